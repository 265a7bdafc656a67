/* Sortable, filterable catalog tables (progressive enhancement: without this script every
   table is complete and readable). Tables opt in with the attribute data-registry-table;
   header cells with data-filter get a drop-down filter, data-numeric sorts by number.
   A cell sorts and filters by its data-key attribute, else by its text. User text is only
   ever read with textContent and written with textContent / Option(), never as HTML. */
(function () {
  "use strict";

  var collator = new Intl.Collator("zh-Hans-CN", { numeric: true });

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent.trim();
  }

  function compare(a, b, numeric) {
    if (numeric) {
      var x = parseFloat(a), y = parseFloat(b);
      if (isNaN(x) && isNaN(y)) return 0;
      if (isNaN(x)) return 1;   /* "—" and empty cells last */
      if (isNaN(y)) return -1;
      return x - y;
    }
    return collator.compare(a, b);
  }

  function makeSortable(table, state) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, index) {
      var numeric = th.hasAttribute("data-numeric");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "registry-sort";
      button.textContent = th.textContent;
      button.title = "点击排序";
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = state.rows.slice().sort(function (r1, r2) {
          var order = compare(cellKey(r1, index), cellKey(r2, index), numeric);
          return ascending ? order : -order;
        });
        var body = table.tBodies[0];
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilters(table, state) {
    var headers = table.tHead.rows[0].cells;
    var bar = document.createElement("div");
    bar.className = "registry-filters";
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = "在表格中查找";
    search.setAttribute("aria-label", "在表格中查找");
    bar.appendChild(search);
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute("data-filter")) return;
      var values = {};
      state.rows.forEach(function (row) { values[cellKey(row, index)] = true; });
      var label = document.createElement("label");
      var select = document.createElement("select");
      select.setAttribute("data-column", String(index));
      select.appendChild(new Option("全部", ""));
      Object.keys(values).sort(function (a, b) { return compare(a, b, th.hasAttribute("data-numeric")); })
        .forEach(function (value) { select.appendChild(new Option(value || "（空）", value)); });
      label.appendChild(document.createTextNode(th.textContent.trim() + " "));
      label.appendChild(select);
      bar.appendChild(label);
      state.selects.push(select);
    });
    var count = document.createElement("span");
    count.className = "registry-count";
    count.setAttribute("role", "status");
    bar.appendChild(count);
    /* Before the table's scroll box, so the filters stay in view on a phone. */
    var box = table.parentNode.classList.contains("registry-scroll") ? table.parentNode : table;
    box.parentNode.insertBefore(bar, box);

    /* Columns marked data-total: their sum over the rows shown follows the count. */
    var totals = [];
    Array.prototype.forEach.call(headers, function (th, index) {
      if (th.hasAttribute("data-total")) totals.push({ index: index, title: th.textContent.trim() });
    });
    var number = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

    function apply() {
      var needle = search.value.trim().toLowerCase();
      var shown = 0;
      var sums = totals.map(function () { return 0; });
      state.rows.forEach(function (row) {
        var visible = state.selects.every(function (select) {
          return !select.value || cellKey(row, Number(select.getAttribute("data-column"))) === select.value;
        }) && (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.hidden = !visible;
        if (visible) {
          shown += 1;
          totals.forEach(function (total, i) {
            var value = parseFloat(cellKey(row, total.index));
            if (!isNaN(value)) sums[i] += value;
          });
        }
      });
      var text = "显示 " + shown + " / " + state.rows.length + " 条";
      totals.forEach(function (total, i) {
        text += "；" + total.title.replace(/（万元）$/, "") + "合计 " + number.format(sums[i]) +
          (/（万元）$/.test(total.title) ? " 万元" : "");
      });
      count.textContent = text;
    }
    search.addEventListener("input", apply);
    state.selects.forEach(function (select) { select.addEventListener("change", apply); });
    apply();
  }

  function enhance() {
    var tables = document.querySelectorAll("table[data-registry-table]:not([data-enhanced])");
    Array.prototype.forEach.call(tables, function (table) {
      if (!table.tHead || !table.tBodies.length) return;
      table.setAttribute("data-enhanced", "");
      var state = { rows: Array.prototype.slice.call(table.tBodies[0].rows), selects: [] };
      makeFilters(table, state);
      makeSortable(table, state);
    });
  }

  /* Material's instant loading (if ever switched on) swaps pages without a load event. */
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
