/* live: the poll's browser module (rules in live/activities/poll/, partials in its
   templates/ folder).

   Host screen: a bar per option with its count and percentage, live. Phone: the
   options as radio buttons (or checkboxes) and a Vote button; once the
   facilitator shows the results, a table of every option with its votes and
   share, the phone's own vote marked in words. Moderation console: the counts,
   for the record. Options are people's text: textContent only. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el, LETTERS = C.LETTERS;

  /* ---- the projector: a live bar chart ---------------------------------------- */

  function host(kit) {
    var T = kit.T;
    var chart = kit.$("[data-chart]");
    var bars = [];  // [{row, fill, count, percent, votes}]

    function clear() {
      C.clear(chart);
      bars = [];
    }

    function build(activity) {
      clear();
      var options = activity.options || [];
      chart.setAttribute("data-density", options.length > 6 ? "dense" : options.length > 4 ? "medium" : "normal");
      chart.setAttribute("aria-label", T.str("chart_label", { n: (kit.indexOf(activity.id) + 1) || activity.position + 1 }));
      options.forEach(function (option, index) {
        var row = el("li", "bar");
        row.setAttribute("data-testid", "bar-" + index);
        var label = el("span", "bar__label");
        label.appendChild(el("span", "bar__letter", LETTERS.charAt(index)));
        label.appendChild(el("span", "bar__text", option));
        var figures = el("span", "bar__figures");
        var count = el("span", "bar__count", "0");
        count.setAttribute("data-testid", "count-" + index);
        var votes = el("span", "visually-hidden", " " + T.plural("votes", 0));
        var percent = el("span", "bar__percent", T.formatPercent(0));
        percent.setAttribute("data-testid", "percent-" + index);
        figures.appendChild(count);
        figures.appendChild(votes);
        figures.appendChild(percent);
        var track = el("span", "bar__track");
        track.setAttribute("aria-hidden", "true");
        var fill = el("span", "bar__fill");
        track.appendChild(fill);
        row.appendChild(label);
        row.appendChild(figures);
        row.appendChild(track);
        chart.appendChild(row);
        bars.push({ row: row, fill: fill, count: count, percent: percent, votes: votes });
      });
    }

    function render(activity, result, nAnswers) {
      var counts = (result && result.counts) || [];
      var max = Math.max.apply(null, [0].concat(counts));
      bars.forEach(function (bar, index) {
        var count = counts[index] || 0;
        var ratio = nAnswers > 0 ? count / nAnswers : 0;
        bar.count.textContent = T.formatNumber(count);
        bar.votes.textContent = " " + T.plural("votes", count) + ",";
        bar.percent.textContent = T.formatPercent(ratio);
        bar.fill.style.width = Math.min(100, ratio * 100).toFixed(2) + "%";
        bar.row.classList.toggle("is-leading", max > 0 && count === max);
      });
    }

    /* Twelve long options must not run under the controls: shrink the chart. */
    function fit() {
      C.shrinkToFit(chart, chart);
    }

    return {
      build: build, clear: clear, render: render, fit: fit,
      describe: function (activity) { return T.str(activity.multiple ? "multiple_choice" : "single_choice"); }
    };
  }

  /* ---- the phone: vote, then the results once shown ------------------------------ */

  function phone(kit) {
    var T = kit.T, $ = kit.$;
    var form = $("[data-poll-form]");
    var optionsBox = $("[data-options]");
    var errorNode = $("[data-error]");
    var voteButton = $("[data-vote]");
    var confirmation = $("[data-confirmation]");
    var builtFor = null;   // the activity the options were built for
    var refused = {};      // activity id -> true when the server said "already answered"

    function buildOptions(activity) {
      C.clear(optionsBox);
      (activity.options || []).forEach(function (option, index) {
        var label = el("label", "option");
        label.setAttribute("for", "opt-" + index);
        var input = el("input", "option__input");
        input.type = activity.multiple ? "checkbox" : "radio";
        input.name = "choice";
        input.value = String(index);
        input.id = "opt-" + index;
        input.addEventListener("change", function () {
          hideError();
          markSelection();
        });
        var letter = el("span", "option__letter", LETTERS.charAt(index));
        letter.setAttribute("aria-hidden", "true");
        var mark = el("span", "option__mark");
        mark.setAttribute("aria-hidden", "true");
        label.appendChild(input);
        label.appendChild(letter);
        label.appendChild(el("span", "option__text", option));
        label.appendChild(mark);
        optionsBox.appendChild(label);
        C.setTid(label, "option-" + index);
      });
      builtFor = activity.id;
    }

    function inputs() { return Array.prototype.slice.call(optionsBox.querySelectorAll(".option__input")); }
    function markSelection() {
      inputs().forEach(function (input) { input.parentNode.classList.toggle("is-selected", input.checked); });
    }
    function setSelection(value) {
      var chosen = [].concat(value);
      inputs().forEach(function (input) { input.checked = chosen.indexOf(parseInt(input.value, 10)) !== -1; });
      markSelection();
    }
    var errorLine = C.errorLine(errorNode);
    var showError = errorLine.show, hideError = errorLine.hide;

    function render(activity) {
      if (builtFor !== activity.id) {
        buildOptions(activity);
        hideError();
      }
      $("[data-poll-number]").textContent = kit.number(activity);
      $("[data-prompt]").textContent = activity.prompt || "";
      var mine = kit.given(activity.id);
      var waiting = kit.queued(activity.id)[0];
      var voted = mine.length > 0;
      var sending = !!waiting;
      var open = activity.status === "open";
      var locked = voted || sending || refused[activity.id] || !open;

      if (voted) setSelection(mine[0]);
      else if (sending) setSelection(waiting.value);
      inputs().forEach(function (input) { input.disabled = !!locked; });
      form.classList.toggle("is-locked", !!locked);
      $("[data-poll-hint]").textContent = locked ? "" : T.str(activity.multiple ? "choose_many" : "choose_one");
      voteButton.hidden = !!locked;
      $("[data-sending]").hidden = !sending || voted;
      confirmation.hidden = !voted;
      if (voted) $("[data-my-vote]").textContent = T.str("your_vote", { answer: C.describeChoice(activity.options, mine[0]) });
      $("[data-closed]").hidden = open || voted || sending;
      renderResults(activity, voted ? [].concat(mine[0]) : []);
    }

    /* Once the facilitator shows them: each option with its votes and share, as a
       table (the bars only repeat the numbers); the options themselves give way. */
    function renderResults(activity, chosen) {
      var result = kit.results(activity.id);
      var showing = !!result && activity.status !== "open";
      $("[data-poll-results]").hidden = !showing;
      optionsBox.hidden = showing;
      if (!showing) return;
      var counts = result.counts || [];
      var n = result.n_answers || 0;
      var max = Math.max.apply(null, [0].concat(counts));
      var rows = (activity.options || []).map(function (option, index) {
        var count = counts[index] || 0;
        var label = el("span", "results__option");
        label.appendChild(el("span", "results__letter", LETTERS.charAt(index) + " "));
        label.appendChild(el("span", "results__text", option));
        if (chosen.indexOf(index) !== -1) label.appendChild(el("span", "results__mine", T.str("your_choice")));
        var bar = label.appendChild(el("span", "results__bar" + (max > 0 && count === max ? " is-leading" : "")));
        bar.setAttribute("aria-hidden", "true");
        bar.appendChild(el("span", "results__fill")).style.width = (n ? Math.min(100, count / n * 100) : 0).toFixed(1) + "%";
        return [label, T.formatNumber(count), T.formatPercent(n ? count / n : 0)];
      });
      var holder = $("[data-poll-table]");
      C.clear(holder);
      holder.appendChild(C.table("results-table", T.str("results_caption"),
        [T.str("column_answer"), T.str("column_votes"), T.str("column_share")], rows));
      // Several answers each: the shares add up to more than 100%, said in words.
      $("[data-poll-total]").textContent = T.counted("n_voters", n) + (activity.multiple ? " " + T.str("multiple_note") : "");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activity = kit.current();
      if (!activity || activity.status !== "open" || kit.queued(activity.id).length) return;
      var chosen = inputs().filter(function (i) { return i.checked; }).map(function (i) { return parseInt(i.value, 10); });
      if (!chosen.length) return showError(T.str("choose_first"));
      hideError();
      kit.send(activity, activity.multiple ? chosen.sort(function (a, b) { return a - b; }) : chosen[0]);
    });

    var once = window.LiveKinds.answeredOnce(kit, refused, confirmation, showError, function () { return voteButton; });
    return { screen: function () { return "poll"; }, render: render, answered: once.answered, refused: once.refused };
  }

  /* ---- the moderation console: the counts, for the record ----------------------- */

  function moderate(kit) {
    var T = kit.T;
    return {
      panel: function () { return "poll"; },
      render: function (activity, result) {
        var counts = result.counts || [];
        var list = kit.$("[data-poll-results]");
        C.clear(list);
        (activity.options || []).forEach(function (option, index) {
          var row = el("li", "mod-poll__row");
          row.setAttribute("data-testid", "poll-row-" + index);
          var label = el("span", "mod-poll__label");
          label.appendChild(el("span", "mod-poll__letter", LETTERS.charAt(index)));
          label.appendChild(el("span", null, option));
          row.appendChild(label);
          row.appendChild(el("strong", "mod-poll__count", T.formatNumber(counts[index] || 0)));
          list.appendChild(row);
        });
        var n = result.n_answers || 0;
        kit.$("[data-poll-answers]").textContent = T.formatNumber(n);
        kit.$("[data-poll-answers-label]").textContent = T.plural("answers", n);
      }
    };
  }

  window.LiveKinds.register("poll", { host: host, phone: phone, moderate: moderate });
})();
