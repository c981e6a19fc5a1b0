/* live: the date poll's browser module (rules in live/activities/date_poll/,
   partials in its templates/ folder).

   Host screen: the best slot in words (most yes, then most maybe), then the grid: a
   row per date with its yes / maybe / no counts and, for the participants who gave a
   name, what each said (a sign and a word, never colour alone); the best row is
   marked, figures that change pulse (not with prefers-reduced-motion). Phone: each
   date with three large radio buttons, Yes / Maybe / No, an optional name (pre-filled
   with the nickname), Send; while the poll is open the answers can be changed (sent
   as the event "change": the latest counts); once shown, the totals as a table.
   Moderation console: the totals and the facilitator's downloads (calendar event,
   grid CSV). Dates, labels and names are people's text: textContent only. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el;
  var CHOICES = ["yes", "maybe", "no"];
  var SIGNS = { yes: "✓", maybe: "?", no: "✗" };
  var MAX_NAME_COLUMNS = 8;

  var OFFSET = /(Z|[+-]\d\d:\d\d)$/;

  /* An option as {label, when}: a text, or a slot with its times in one short text.
     Times written with an offset say it ("(UTC+01:00)"); the others are in the
     server's zone, which `zone` adds when given ("(Europe/Paris)") and zoneNote()
     says once under a list of slots. */
  function slotOf(option, zone) {
    if (!option || typeof option !== "object") return { label: String(option), when: "" };
    var offset = OFFSET.exec(String(option.start || ""));
    var start = String(option.start || "").replace(OFFSET, "").replace("T", " ");
    var end = String(option.end || "").replace(OFFSET, "").replace("T", " ");
    if (start.slice(0, 10) === end.slice(0, 10)) end = end.slice(11);
    var said = offset ? (offset[1] === "Z" ? "UTC" : "UTC" + offset[1]) : (zone || "");
    var when = start ? start + " – " + end + (said ? " (" + said + ")" : "") : "";
    return { label: String(option.label || ""), when: when, start: option.start || null, local: !!start && !offset };
  }

  /* "Times are in the Europe/Paris time zone.", when a slot has times without an offset. */
  function zoneNote(T, activity) {
    var local = (activity.options || []).some(function (option) { return slotOf(option).local; });
    return local && T.S.zone_note ? T.str("zone_note") : "";
  }

  function countsOf(result, n) {
    var counts = (result && result.counts) || [];
    var rows = [];
    for (var i = 0; i < n; i++) {
      var row = counts[i] || {};
      rows.push({ yes: row.yes || 0, maybe: row.maybe || 0, no: row.no || 0 });
    }
    return rows;
  }

  /* "Best slot: …" (or why there is none yet), from the result's best and tied. */
  function bestText(T, activity, result) {
    var options = activity.options || [];
    var best = result && typeof result.best === "number" ? result.best : null;
    if (best === null || !options[best]) return T.str("no_best");
    var slot = slotOf(options[best], T.S.zone);
    var label = slot.when ? slot.label + " · " + slot.when : slot.label;
    var others = Math.max(0, ((result.tied || []).length || 1) - 1);
    if (others && T.S.best_tied_other) return T.plural("best_tied", others).split("{label}").join(label).split("{n}").join(T.formatNumber(others));
    return T.str("best", { label: label });
  }

  /* A date cell: its label and, smaller, its times; a "★ best" mark in words. */
  function dateCell(T, option, isBest) {
    var slot = slotOf(option);
    var cell = el("span", "dp-date");
    cell.appendChild(el("span", "dp-date__label", slot.label));
    if (slot.when) cell.appendChild(el("span", "dp-date__when", slot.when));
    if (isBest) cell.appendChild(el("span", "dp-date__best", "★ " + T.str("best_mark")));
    return cell;
  }

  function totalsTable(T, className, activity, result, mine) {
    var options = activity.options || [];
    var counts = countsOf(result, options.length);
    var best = result && typeof result.best === "number" ? result.best : null;
    var rows = options.map(function (option, index) {
      var cell = dateCell(T, option, index === best);
      if (mine && mine[index]) cell.appendChild(el("span", "results__mine", T.str("your_answer", { choice: T.str(mine[index]) })));
      return [cell, T.formatNumber(counts[index].yes), T.formatNumber(counts[index].maybe), T.formatNumber(counts[index].no)];
    });
    var table = C.table(className, T.str("results_caption"),
      [T.str("column_date"), T.str("column_yes"), T.str("column_maybe"), T.str("column_no")], rows);
    if (best !== null && table.tBodies[0].rows[best]) table.tBodies[0].rows[best].classList.add("is-best");
    return table;
  }

  /* ---- the projector: the best slot and the grid -------------------------------- */

  function host(kit) {
    var T = kit.T, $ = kit.$;
    var grid = $("[data-dp-grid]");
    var bestNode = $("[data-dp-best]");
    var more = $("[data-dp-more]");
    var drawn = {};   // "row:column" -> the last figure drawn, to pulse the ones that change

    function clear() {
      C.clear(grid);
      bestNode.textContent = "";
      more.textContent = "";
      drawn = {};
    }

    function figure(text, key, className) {
      var cell = el("td", className, text);
      if (key in drawn && drawn[key] !== text) cell.classList.add("is-changed");
      drawn[key] = text;
      return cell;
    }

    function render(activity, result, nAnswers) {
      var options = activity.options || [];
      var counts = countsOf(result, options.length);
      var best = result && typeof result.best === "number" ? result.best : null;
      var tied = (result && result.tied) || [];
      var people = ((result && result.participants) || []).slice(0, MAX_NAME_COLUMNS);
      var hiddenNames = Math.max(0, ((result && result.n_named) || 0) - people.length);
      bestNode.textContent = bestText(T, activity, result);
      bestNode.classList.toggle("is-waiting", best === null);
      C.clear(grid);
      grid.appendChild(el("caption", "visually-hidden", T.str("grid_caption")));
      var head = grid.appendChild(el("thead")).appendChild(el("tr"));
      [T.str("column_date"), "✓ " + T.str("column_yes"), "? " + T.str("column_maybe"), "✗ " + T.str("column_no")].forEach(function (title, i) {
        var th = head.appendChild(el("th", i ? "dp-grid__count" : null, title));
        th.setAttribute("scope", "col");
      });
      people.forEach(function (person) {
        var th = head.appendChild(el("th", "dp-grid__name", person.name));
        th.setAttribute("scope", "col");
      });
      var body = grid.appendChild(el("tbody"));
      options.forEach(function (option, index) {
        var tr = body.appendChild(el("tr", index === best ? "is-best" : tied.indexOf(index) !== -1 ? "is-tied" : null));
        tr.setAttribute("data-testid", "dp-row-" + index);
        var th = tr.appendChild(el("th"));
        th.setAttribute("scope", "row");
        th.appendChild(dateCell(T, option, index === best));
        CHOICES.forEach(function (choice) {
          var text = T.formatNumber(counts[index][choice]);
          var cell = tr.appendChild(figure(text, index + ":" + choice, "dp-grid__count dp-grid__count--" + choice));
          cell.setAttribute("data-testid", "dp-" + choice + "-" + index);
          if (choice === "yes") {
            var bar = cell.appendChild(el("span", "dp-grid__bar"));
            bar.setAttribute("aria-hidden", "true");
            bar.style.width = (nAnswers ? Math.min(100, counts[index].yes / nAnswers * 100) : 0).toFixed(1) + "%";
          }
        });
        people.forEach(function (person) {
          var choice = (person.choices || [])[index];
          var cell = tr.appendChild(el("td", "dp-grid__cell dp-grid__cell--" + (choice || "none")));
          if (!choice) return;
          cell.appendChild(el("span", null, SIGNS[choice] || "")).setAttribute("aria-hidden", "true");
          cell.appendChild(el("span", "visually-hidden", T.str(choice)));
        });
      });
      more.textContent = hiddenNames ? T.counted("more_names", hiddenNames) : "";
      $("[data-dp-zone]").textContent = zoneNote(T, activity);
      fit();
    }

    /* Twenty dates must not run under the controls: the grid shrinks to fit its room. */
    function fit() {
      var stage = $("[data-dp-stage]");
      var room = $("[data-dp-grid-wrap]");
      if (stage.hidden) return;
      C.shrinkToFit(stage, room);
    }

    return {
      build: function () { clear(); }, clear: clear, render: render, fit: fit,
      describe: function () { return T.str("describe"); }
    };
  }

  /* ---- the phone: yes / maybe / no per date, a name, changes while open ---------- */

  function revisionOf(value) { return value && typeof value === "object" && !Array.isArray(value) ? value.revision || 0 : 0; }

  /* A value as {choices, name}: what the server stores, or what the phone sent. */
  function normalised(value) {
    if (Array.isArray(value)) return { choices: value.slice(), name: null };
    if (value && typeof value === "object") return { choices: (value.choices || []).slice(), name: value.name || null };
    return null;
  }

  function phone(kit) {
    var T = kit.T;
    var form = kit.$("[data-dp-form]");
    // Within the date poll's own screen: other kinds' screens have nodes of the same names.
    function $(selector) { return form.querySelector(selector); }
    var box = $("[data-dp-options]");
    var nameInput = null;   // made with the first date poll shown (see nameField)
    var errorNode = $("[data-error]");
    var sendButton = $("[data-dp-send]");
    var changeButton = $("[data-dp-change]");
    var confirmation = $("[data-confirmation]");
    var sentHere = {};    // activity id -> the latest answer this phone had acknowledged
    var editing = {};     // activity id -> true while changing an answer
    var answeredElsewhere = {};
    var nickname = "";
    var builtFor = null;

    var errorLine = C.errorLine(errorNode);
    var showError = errorLine.show, hideError = errorLine.hide;

    /* This phone's answer: the latest it had acknowledged, else the server's value
       with the highest revision (a later one on a tie). */
    function mine(activityId) {
      if (sentHere[activityId]) return sentHere[activityId];
      var best = null, bestRevision = -1;
      kit.given(activityId).forEach(function (value) {
        if (revisionOf(value) >= bestRevision) { best = value; bestRevision = revisionOf(value); }
      });
      return normalised(best);
    }

    /* The optional name for the host's grid, made once a date poll is on screen. */
    function nameField() {
      if (nameInput) return nameInput;
      var holder = $("[data-dp-name-field]");
      var label = holder.appendChild(el("label", "label", T.str("name_label") + " "));
      label.setAttribute("for", "dp-name");
      label.appendChild(el("span", "optional", T.str("name_optional")));
      nameInput = holder.appendChild(el("input", "input"));
      nameInput.type = "text";
      nameInput.id = "dp-name";
      nameInput.maxLength = 40;
      nameInput.setAttribute("autocomplete", "nickname");
      nameInput.setAttribute("autocapitalize", "words");
      C.setTid(nameInput, "dp-name");
      return nameInput;
    }

    function build(activity) {
      nameField();
      C.clear(box);
      (activity.options || []).forEach(function (option, index) {
        var slot = slotOf(option);
        var fieldset = el("fieldset", "dp-option");
        C.setTid(fieldset, "dp-option-" + index);
        var legend = fieldset.appendChild(el("legend", "dp-option__legend"));
        legend.appendChild(el("span", "dp-option__label", slot.label));
        if (slot.when) legend.appendChild(el("span", "dp-option__when", slot.when));
        var choices = fieldset.appendChild(el("div", "dp-choices"));
        CHOICES.forEach(function (choice) {
          var label = el("label", "dp-choice dp-choice--" + choice);
          var input = el("input", "dp-choice__input");
          input.type = "radio";
          input.name = "dp-" + index;
          input.value = choice;
          input.id = "dp-" + index + "-" + choice;
          label.setAttribute("for", input.id);
          C.setTid(label, "dp-" + choice + "-" + index);
          input.addEventListener("change", function () { hideError(); markChecked(); });
          label.appendChild(input);
          label.appendChild(el("span", "dp-choice__sign", SIGNS[choice])).setAttribute("aria-hidden", "true");
          label.appendChild(el("span", "dp-choice__word", T.str(choice)));
          choices.appendChild(label);
        });
        box.appendChild(fieldset);
      });
      builtFor = activity.id;
    }

    function inputs() { return Array.prototype.slice.call(box.querySelectorAll("input[type=radio]")); }
    function markChecked() {
      inputs().forEach(function (input) { input.parentNode.classList.toggle("is-checked", input.checked); });
    }

    function fill(answer) {
      inputs().forEach(function (input) {
        var index = parseInt(input.name.slice(3), 10);
        input.checked = !!answer && answer.choices[index] === input.value;
      });
      nameInput.value = answer ? answer.name || "" : nickname;
      markChecked();
    }

    function render(activity) {
      var fresh = builtFor !== activity.id;
      if (fresh) build(activity);
      var answer = mine(activity.id);
      var waiting = kit.queued(activity.id)[0];
      var open = activity.status === "open";
      var has = !!answer || !!answeredElsewhere[activity.id];
      var changing = !!editing[activity.id] && open;
      var locked = (has && !changing) || !!waiting || !open;
      if (fresh || locked) fill(waiting ? normalised(waiting.value) : answer);
      inputs().forEach(function (input) { input.disabled = locked; });
      nameInput.disabled = locked;
      form.classList.toggle("is-locked", locked);
      $("[data-dp-number]").textContent = kit.number(activity);
      $("[data-prompt]").textContent = activity.prompt || "";
      $("[data-dp-hint]").textContent = locked ? "" : T.str(changing ? "hint_change" : "hint");
      $("[data-dp-zone]").textContent = zoneNote(T, activity);
      sendButton.hidden = locked;
      sendButton.textContent = T.str(changing ? "send_change" : "send");
      $("[data-sending]").hidden = !waiting;
      confirmation.hidden = !answer || !!waiting || changing;
      changeButton.hidden = !answer || !!waiting || changing || !open;
      if (answer) {
        var options = activity.options || [];
        var parts = answer.choices.map(function (choice, index) {
          return T.str("mine", { label: slotOf(options[index]).label, choice: T.str(choice) });
        });
        $("[data-dp-mine]").textContent = parts.join(" · ") + (answer.name ? " — " + T.str("as_name", { name: answer.name }) : "");
      }
      $("[data-closed]").hidden = open || !!answer || !!waiting;
      renderResults(activity, answer);
    }

    function renderResults(activity, answer) {
      var result = kit.results(activity.id);
      var showing = !!result && activity.status !== "open";
      $("[data-dp-results]").hidden = !showing;
      box.hidden = showing;
      $("[data-dp-name-field]").hidden = showing;
      if (!showing) return;
      $("[data-dp-phone-best]").textContent = bestText(T, activity, result);
      var holder = $("[data-dp-table]");
      C.clear(holder);
      holder.appendChild(totalsTable(T, "results-table results-table--wrap", activity, result, answer ? answer.choices : null));
      $("[data-dp-total]").textContent = T.counted("n_answered", result.n_answers || 0);
    }

    changeButton.addEventListener("click", function () {
      var activity = kit.current();
      if (!activity) return;
      editing[activity.id] = true;
      render(activity);
      var first = box.querySelector("input:checked") || box.querySelector("input");
      if (first) first.focus();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activity = kit.current();
      if (!activity || activity.status !== "open" || kit.queued(activity.id).length) return;
      var n = (activity.options || []).length;
      var choices = [];
      for (var i = 0; i < n; i++) {
        var checked = box.querySelector("input[name='dp-" + i + "']:checked");
        if (!checked) {
          showError(T.str("answer_all"));
          return box.querySelector("input[name='dp-" + i + "']").focus();
        }
        choices.push(checked.value);
      }
      hideError();
      var name = nameInput.value.replace(/\s+/g, " ").trim().slice(0, 40);
      var value = name ? { choices: choices, name: name } : choices;
      var has = !!mine(activity.id) || !!answeredElsewhere[activity.id];
      editing[activity.id] = false;
      kit.send(activity, value, has ? "change" : "answer");
    });

    return {
      screen: function () { return "date_poll"; },
      render: render,
      /* Whether the server already holds a queued answer: a first answer once it holds
         any; a change once its latest answer is that one. */
      given: function (item, values) {
        if (item.event !== "change") return values.length > 0;
        var latest = null;
        values.forEach(function (value) { if (!latest || revisionOf(value) >= revisionOf(latest)) latest = value; });
        return !!latest && JSON.stringify(normalised(latest)) === JSON.stringify(normalised(item.value));
      },
      answered: function (sent, ack, here) {
        sentHere[sent.activity_id] = normalised(sent.value);
        kit.announce(T.str("announce_recorded"));
        kit.render();
        if (here) confirmation.focus();
      },
      refused: function (sent, error, here) {
        if (error.code === "already_answered") { answeredElsewhere[sent.activity_id] = true; editing[sent.activity_id] = true; }
        if (error.code === "not_answered") { answeredElsewhere[sent.activity_id] = false; sentHere[sent.activity_id] = null; }
        if (error.code === "closed" && here) kit.current().status = "closed";
        kit.render();
        if (!here) return;
        showError(T.errorText(error));
        if (!sendButton.hidden) sendButton.focus();
      },
      welcome: function (welcome) {
        nickname = (welcome && welcome.name) || "";
        sentHere = {};
        // The first render came before the nickname was known: offer it now.
        if (nameInput && !nameInput.disabled && !nameInput.value) nameInput.value = nickname;
      },
      forget: function () { sentHere = {}; editing = {}; answeredElsewhere = {}; }
    };
  }

  /* ---- the moderation console: the totals and the facilitator's downloads -------- */

  function moderate(kit) {
    var T = kit.T, $ = kit.$;
    var panel = $("[data-panel='date_poll']");

    function link(activity, name, text, option) {
      var template = panel.getAttribute("data-dp-download");
      var li = el("li");
      if (!template) return li;
      var a = li.appendChild(el("a", null, text));
      a.href = template.replace("__ACTIVITY__", encodeURIComponent(activity.id)).replace("__NAME__", name) +
        (option === undefined ? "" : "?option=" + option);
      a.setAttribute("download", "");
      a.setAttribute("data-testid", "dp-download-" + name.replace(".", "-") + (option === undefined ? "" : "-" + option));
      return li;
    }

    return {
      panel: function () { return "date_poll"; },
      render: function (activity, result) {
        $("[data-dp-best]").textContent = bestText(T, activity, result || {});
        $("[data-dp-zone]").textContent = zoneNote(T, activity);
        var holder = $("[data-dp-table]");
        C.clear(holder);
        holder.appendChild(totalsTable(T, "mod-table", activity, result || {}, null));
        var list = $("[data-dp-downloads]");
        C.clear(list);
        var best = result && typeof result.best === "number" ? result.best : null;
        var options = activity.options || [];
        if (best !== null && slotOf(options[best]).start) list.appendChild(link(activity, "calendar.ics", T.str("download_best")));
        options.forEach(function (option, index) {
          var slot = slotOf(option);
          if (slot.start) list.appendChild(link(activity, "calendar.ics", T.str("download_slot", { label: slot.label }), index));
        });
        list.appendChild(link(activity, "grid.csv", T.str("download_grid")));
      }
    };
  }

  window.LiveKinds.register("date_poll", { host: host, phone: phone, moderate: moderate });
})();
