/* live: the chain (idea to decision) on the host screen and the moderation console.

   For any activity whose kind takes the host command "shortlist" (host_state lists
   each activity's `commands`): the action "shortlist" (button data-action="shortlist",
   key S on the host screen) asks for N in a dialog (2 to 12, 3 at first) and makes a
   poll of the N best entries; on the console, the entries the kind's panel lets the
   facilitator tick (checkboxes data-shortlist-pick="<entry id>", kept in the order
   ticked) make a poll with "Make a poll of these". The server places the poll right
   after the activity, not yet open: Next shows it, Open opens it. A poll made so
   carries `origin` in host_state: [data-origin] says where its options came from
   (and how many were shortened to fit a poll option), and [data-origin-list] (the
   console) each option's upvotes and senders, and the whole text of a shortened one.
   A ticked entry longer than a poll option (the bar's data-option-max, its checkbox's
   data-shortlist-text) is said to be shortened before the poll is made
   ([data-shortlist-long]).

   Shared code: it never names a kind. A plain script loaded after common.js and
   before the page script: it defines window.LiveChain. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var MIN = 2, MAX = 12, FIRST = 3;

  /* The chain of one page. `page` holds root, view (controls.js's), texts, announce,
     say(text, kind) for what happened, and command(event, payload, timeout, done)
     (the page's controls, for the console's pick). */
  function create(page) {
    var root = page.root, view = page.view, T = page.texts;
    var dialog = root.querySelector("[data-shortlist-dialog]");
    var input = root.querySelector("[data-shortlist-top]");
    var errorNode = root.querySelector("[data-shortlist-error]");
    var bar = root.querySelector("[data-shortlist-pick-bar]");
    var asked = null;    // {target, api} while the dialog is open
    var top = FIRST;     // the last N chosen
    var picked = [];     // ticked entry ids, in order
    var pickedFor = null;

    function planned(id) { return C.activityById(view.activities, id); }

    /* The activity on screen when its kind takes "shortlist", else null. */
    function source() {
      var activity = view.phase === "activity" && !view.ended ? view.activity : null;
      var known = activity && planned(activity.id);
      return known && (known.commands || []).indexOf("shortlist") >= 0 ? activity : null;
    }

    function made(text) {
      page.say(text, "done");
      page.announce(text);
    }

    function showError(text) {
      errorNode.textContent = text;
      errorNode.hidden = !text;
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }

    var actions = {
      shortlist: {
        target: function () { return source(); },
        shown: function () { return !!source(); },
        run: function (target, api) {
          if (!dialog) return;
          asked = { target: target, api: api };
          input.value = String(top);
          showError("");
          C.openDialog(dialog);
          input.focus();
          input.select();
        }
      }
    };

    if (dialog) {
      // Enter in the field makes the poll (Make is the form's only submit button);
      // Cancel and Escape close the dialog without making anything.
      dialog.querySelector("[data-shortlist-cancel]").addEventListener("click", function () { dialog.close("cancel"); });
      dialog.addEventListener("submit", function (event) {
        var n = Number(input.value);
        if (!(n >= MIN && n <= MAX && Math.floor(n) === n)) {
          event.preventDefault();
          showError(T.str("shortlist_invalid", { min: MIN, max: MAX }));
          input.focus();
        }
      });
      dialog.addEventListener("close", function () {
        var request = asked;
        asked = null;
        if (!request || dialog.returnValue !== "make") return;
        dialog.returnValue = "";
        top = Number(input.value);
        request.api.command("shortlist", { activity_id: request.target.id, top: top }, 10000, function () {
          made(T.str("shortlist_done", { n: top }));
        });
      });
    }

    /* ---- the console: the entries ticked in the kind's panel ---------------------- */

    function ticked() { return Array.prototype.slice.call(root.querySelectorAll("[data-shortlist-pick]")); }

    root.addEventListener("change", function (event) {
      var box = event.target.closest && event.target.closest("[data-shortlist-pick]");
      if (!box) return;
      var id = box.getAttribute("data-shortlist-pick");
      picked = picked.filter(function (other) { return other !== id; });
      if (box.checked) picked.push(id);
      render();
    });

    if (bar) {
      bar.querySelector("[data-shortlist-pick-make]").addEventListener("click", function (event) {
        var activity = source();
        if (!activity || event.currentTarget.getAttribute("aria-disabled") === "true") return;
        var chosen = picked.slice();
        page.command("shortlist", { activity_id: activity.id, entries: chosen }, 10000, function () {
          picked = [];
          ticked().forEach(function (box) { box.checked = false; });
          render();
          made(T.counted("shortlist_picked_done", chosen.length));
        });
      });
    }

    function renderPicks(activity) {
      if (!bar) return;
      if (!activity) { bar.hidden = true; return; }
      if (pickedFor !== activity.id) { picked = []; pickedFor = activity.id; }
      // Entries no longer listed (hidden since) leave the pick.
      var listed = {};
      ticked().forEach(function (box) { listed[box.getAttribute("data-shortlist-pick")] = box.checked; });
      picked = picked.filter(function (id) { return listed[id]; });
      // Shown once an entry is ticked (the kind's panel says how): never over a panel
      // without boxes to tick (a Q&A makes its poll of the top N), never for nothing.
      bar.hidden = picked.length === 0;
      bar.querySelector("[data-shortlist-pick-count]").textContent = T.counted("shortlist_picked", picked.length);
      var most = Number(bar.getAttribute("data-option-max")) || 0;
      var long = ticked().filter(function (box) {
        return box.checked && most && C.textLength(box.getAttribute("data-shortlist-text") || "") > most;
      }).length;
      var warning = bar.querySelector("[data-shortlist-long]");
      if (warning) {
        warning.hidden = !long;
        warning.textContent = long ? T.counted("shortlist_long", long, { max: T.formatNumber(most) }) : "";
      }
      var ready = picked.length >= MIN && picked.length <= MAX && view.connected && !view.busy;
      bar.querySelector("[data-shortlist-pick-make]").setAttribute("aria-disabled", ready ? "false" : "true");
    }

    /* ---- where a poll's options came from ---------------------------------------- */

    function renderOrigin() {
      var activity = view.phase === "activity" ? view.activity : null;
      var origin = activity && planned(activity.id) && planned(activity.id).origin;
      var shortened = origin ? (origin.options || []).filter(function (from) { return from && from.full_text; }).length : 0;
      Array.prototype.forEach.call(root.querySelectorAll("[data-origin]"), function (node) {
        node.hidden = !origin;
        node.textContent = origin ? T.str("origin_line", { prompt: origin.prompt || "" }) +
          (shortened ? " " + T.counted("origin_shortened", shortened) : "") : "";
      });
      var list = root.querySelector("[data-origin-list]");
      if (!list) return;
      C.clear(list);
      list.hidden = !origin;
      if (!origin) return;
      (activity.options || []).forEach(function (text, index) {
        var from = (origin.options || [])[index] || {};
        var item = list.appendChild(C.el("li", "origin__item"));
        item.appendChild(C.el("span", "origin__text", text));
        item.appendChild(C.el("span", "origin__figures",
          T.counted("origin_votes", from.votes || 0) + " · " + T.counted("origin_senders", from.senders || 0)));
        if (from.full_text) {
          var whole = item.appendChild(C.el("span", "origin__full"));
          whole.appendChild(C.el("strong", "origin__shortened", "✂ " + T.str("origin_shortened_mark")));
          whole.appendChild(document.createTextNode(" " + T.str("origin_full_text", { text: from.full_text })));
          C.setTid(item, "origin-shortened-" + index);
        }
      });
    }

    function render() {
      renderPicks(source());
      renderOrigin();
    }

    return { actions: actions, render: render, dialog: dialog };
  }

  window.LiveChain = { create: create };
})();
