/* Session editor: an "Add a poll" button that copies the empty poll at the end,
   so a facilitator can write several polls before saving. Without JavaScript the
   page still works: one empty poll is always offered after saving. */
(function () {
  "use strict";

  var list = document.querySelector("[data-poll-list]");
  var addButton = document.querySelector("[data-add-poll]");
  var status = document.querySelector("[data-editor-status]");
  if (!list || !addButton) return;

  var strings = {};
  try {
    strings = JSON.parse(document.getElementById("live-strings").textContent);
  } catch (e) { /* keep English fallbacks */ }

  addButton.hidden = false;
  var noJsHint = document.querySelector("[data-no-js-hint]");
  if (noJsHint) noJsHint.hidden = true;

  function renumber(value, index) {
    return value.replace(/^polls-\d+-/, "polls-" + index + "-").replace(/(\s)polls-\d+-/g, "$1polls-" + index + "-");
  }

  addButton.addEventListener("click", function () {
    var polls = list.querySelectorAll("[data-poll]");
    var last = polls[polls.length - 1];
    var index = polls.length;
    var copy = last.cloneNode(true);
    copy.setAttribute("data-testid", "poll-" + index);

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
    var fields = copy.querySelectorAll("input, textarea");
    for (i = 0; i < fields.length; i++) {
      var field = fields[i];
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && copy.querySelector("[id='" + id + "']");
      });
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
      if (field.type === "checkbox") field.checked = false;
      else field.value = "";
    }
    var number = copy.querySelector("[data-poll-number]");
    if (number && strings.poll_label) number.textContent = strings.poll_label.replace("__N__", String(index + 1));

    list.appendChild(copy);
    var prompt = copy.querySelector("input[type=text], input:not([type])");
    if (prompt) prompt.focus();
    if (status && strings.poll_added) {
      status.textContent = strings.poll_added.replace("__N__", String(index + 1));
    }
  });
})();
