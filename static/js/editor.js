/* Session editor: each activity shows only the fields of its type (poll, word
   cloud, quiz question), and an "Add an activity" button copies the empty activity at the end,
   so a facilitator can write several before saving. Without JavaScript the page
   still works: every field shows, under "For a poll", "For a word cloud"..., and
   one empty activity is always offered after saving. */
(function () {
  "use strict";

  var list = document.querySelector("[data-activity-list]");
  var addButton = document.querySelector("[data-add-activity]");
  var status = document.querySelector("[data-editor-status]");

  /* After an import, the page comes back with its report: bring it into view and
     focus it, so that it is read out (a live region present at load is not). */
  var report = document.querySelector(".import-report");
  if (report) {
    try { report.focus({ preventScroll: true }); } catch (e) { report.focus(); }
    if (report.scrollIntoView) report.scrollIntoView({ block: "center" });
  }

  if (!list) return;

  var strings = {};
  try {
    strings = JSON.parse(document.getElementById("live-strings").textContent);
  } catch (e) { /* keep English fallbacks */ }

  /* ---- show the fields of the chosen type ----------------------------------- */

  function applyType(fieldset) {
    var select = fieldset.querySelector("[data-type-select]");
    if (!select) return;
    var type = select.value || (select.options[0] ? select.options[0].value : "");
    fieldset.setAttribute("data-type", type);
    fieldset.classList.add("is-typed");
    // data-for-type="poll quiz": the types a group of fields serves.
    var groups = fieldset.querySelectorAll("[data-for-type]");
    for (var i = 0; i < groups.length; i++) {
      var types = " " + groups[i].getAttribute("data-for-type") + " ";
      groups[i].hidden = types.indexOf(" " + type + " ") === -1;
    }
  }

  var fieldsets = list.querySelectorAll("[data-activity]");
  for (var f = 0; f < fieldsets.length; f++) applyType(fieldsets[f]);

  list.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || !target.hasAttribute || !target.hasAttribute("data-type-select")) return;
    applyType(target.closest("[data-activity]"));
  });

  /* ---- add an activity --------------------------------------------------------- */

  if (!addButton) return;
  addButton.hidden = false;
  var noJsHint = document.querySelector("[data-no-js-hint]");
  if (noJsHint) noJsHint.hidden = true;

  function renumber(value, index) {
    return value
      .replace(/^activities-\d+-/, "activities-" + index + "-")
      .replace(/(\s)activities-\d+-/g, "$1activities-" + index + "-");
  }

  addButton.addEventListener("click", function () {
    var all = list.querySelectorAll("[data-activity]");
    var last = all[all.length - 1];
    var index = all.length;
    var copy = last.cloneNode(true);
    copy.setAttribute("data-testid", "activity-" + index);

    var attrs = ["id", "name", "for", "aria-describedby"];
    var nodes = copy.querySelectorAll("*");
    for (var i = 0; i < nodes.length; i++) {
      for (var j = 0; j < attrs.length; j++) {
        var value = nodes[i].getAttribute(attrs[j]);
        if (value) nodes[i].setAttribute(attrs[j], renumber(value, index));
      }
    }
    var errors = copy.querySelectorAll(".field-errors");
    for (i = 0; i < errors.length; i++) errors[i].parentNode.removeChild(errors[i]);
    var fields = copy.querySelectorAll("input, textarea, select");
    for (i = 0; i < fields.length; i++) {
      var field = fields[i];
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && copy.querySelector("[id='" + id + "']");
      });
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
      if (field.type === "checkbox") field.checked = false;
      else if (field.tagName === "SELECT") field.value = last.querySelector("[data-type-select]").value;
      else if (field.type === "number") field.value = field.defaultValue || field.getAttribute("value") || "";
      else field.value = "";
    }
    var number = copy.querySelector("[data-activity-number]");
    if (number && strings.activity_label) number.textContent = strings.activity_label.replace("__N__", String(index + 1));

    list.appendChild(copy);
    applyType(copy);
    var select = copy.querySelector("[data-type-select]");
    if (select) select.focus();
    if (status && strings.activity_added) {
      status.textContent = strings.activity_added.replace("__N__", String(index + 1));
    }
  });
})();
