// Registry additions to Decap CMS, served as admin/registry-form.js (written by `registry cms`).
//
// 1. An optional mapping (the approval of a new system, a transfer, a milestone…) is checked
//    only when something is filled in: Decap's object widget checks the required keys of a
//    mapping even when the whole mapping is optional and left empty, which would make every
//    optional mapping mandatory. Filled in, it is checked as usual (all its required keys).
// 2. Before a save, empty values (blank text, cleared dates, empty mappings and lists) are left
//    out, so the file holds what the clerk entered: `registry check` reads a missing key as
//    "not given", while an empty string is a wrong value.
// 3. Keys are written in the order of the model's fields at every depth (Decap orders only the
//    top level; its mappings of more than eight keys come back in hash order), so a save
//    changes only the lines the clerk changed. ORDER is filled in by `registry cms`.
(function () {
  "use strict";
  var CMS = window.CMS;
  if (!CMS) { return; }
  var ORDER = /*registry:order*/{}/*end*/;

  function plain(value) {
    return value && typeof value.toJS === "function" ? value.toJS() : value;
  }

  function blank(value) {
    var v = plain(value);
    if (v === null || v === undefined || v === "") { return true; }
    if (Array.isArray(v)) { return v.length === 0; }
    if (typeof v === "object") {
      return Object.keys(v).every(function (key) { return blank(v[key]); });
    }
    return false;
  }

  // Immutable.js values: a List has push, a Map has sortBy (which returns an ordered map).
  // `node` is {keys: [field names in model order], children: {name: node}} for this value.
  function prune(value, node) {
    if (!value || typeof value.map !== "function" || typeof value.toJS !== "function") { return value; }
    node = node || {keys: [], children: {}};
    if (typeof value.push === "function") {
      return value.map(function (item) { return prune(item, node); });
    }
    var rank = function (v, key) {
      var at = node.keys.indexOf(key);
      return at < 0 ? node.keys.length : at;
    };
    return value
      .map(function (v, key) { return prune(v, node.children[key]); })
      .filter(function (v) { return !blank(v); })
      .sortBy(rank);
  }

  var object = CMS.getWidget("object");
  var Base = object.control;
  class OptionalObjectControl extends Base {
    constructor(props) {
      super(props);
      var checkAll = this.validate;
      this.validate = function () {
        if (this.props.field.get("required", true) === false && blank(this.props.value)) { return; }
        checkAll();
      }.bind(this);
    }
  }
  CMS.registerWidget("object", OptionalObjectControl, object.preview);

  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      return prune(event.entry.get("data"), ORDER[event.entry.get("collection")]);
    },
  });
})();
