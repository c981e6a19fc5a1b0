/* live: the rating scale's browser module (rules in live/activities/scale/,
   partials in its templates/ folder, styles in static/css/kinds/scale.css).

   Host screen: a column per value with its count, and the average in large type,
   both moving as answers come in. Phone: one large button per value (one tap
   answers), the words for the two ends under them; once the facilitator shows the
   results, the average and a table of every value with its count and share, the
   phone's own answer marked in words. Moderation console: the counts. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el;

  function values(activity) {
    var list = [];
    for (var v = activity.min; v <= activity.max; v += 1) list.push(v);
    return list;
  }

  /* The average with one decimal, as the page's language writes numbers. */
  function oneDecimal(value) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined,
        { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
    } catch (e) { return value.toFixed(1); }
  }

  /* ---- the projector: columns and the average ---------------------------------- */

  function host(kit) {
    var T = kit.T;
    var stage = kit.$("[data-scale-stage]");
    var columns = kit.$("[data-scale-columns]");
    var cells = [];  // [{column, fill, count, people}]

    function clear() {
      C.clear(columns);
      cells = [];
      stage.hidden = true;
    }

    function build(activity) {
      clear();
      values(activity).forEach(function (value, index, all) {
        var column = el("li", "scale-column");
        column.setAttribute("data-testid", "scale-column-" + value);
        var count = el("span", "scale-column__count", "0");
        var people = el("span", "visually-hidden", " " + T.plural("people", 0));
        var track = el("span", "scale-column__track");
        track.setAttribute("aria-hidden", "true");
        var fill = track.appendChild(el("span", "scale-column__fill"));
        var label = el("span", "scale-column__value", String(value));
        var words = index === 0 ? activity.min_label : index === all.length - 1 ? activity.max_label : "";
        column.appendChild(count);
        column.appendChild(people);
        column.appendChild(track);
        column.appendChild(label);
        // Every column keeps a row for words, so that all the columns' tracks line up.
        column.appendChild(el("span", "scale-column__words", words || "\u00a0"));
        columns.appendChild(column);
        cells.push({ column: column, fill: fill, count: count, people: people });
      });
      kit.$("[data-scale-range]").textContent = T.str("out_of", { max: T.formatNumber(activity.max) });
      stage.hidden = false;
    }

    function render(activity, result) {
      var counts = (result && result.counts) || [];
      var max = Math.max.apply(null, [0].concat(counts));
      cells.forEach(function (cell, index) {
        var count = counts[index] || 0;
        cell.count.textContent = T.formatNumber(count);
        cell.people.textContent = " " + T.plural("people", count);
        cell.fill.style.height = (max ? count / max * 100 : 0).toFixed(1) + "%";
        cell.column.classList.toggle("is-leading", max > 0 && count === max);
      });
      var average = result && typeof result.average === "number" ? result.average : null;
      var shown = kit.$("[data-scale-average]");
      shown.textContent = average === null ? "–" : oneDecimal(average);
      shown.setAttribute("aria-label", average === null ? T.str("no_average") : oneDecimal(average));
    }

    return {
      build: build, clear: clear, render: render,
      describe: function (activity) {
        return T.str("range", { min: T.formatNumber(activity.min), max: T.formatNumber(activity.max) });
      }
    };
  }

  /* ---- the phone: one tap per value, then the results once shown ---------------- */

  function phone(kit) {
    var T = kit.T, $ = kit.$;
    var box = $("[data-scale-values]");
    var errorNode = $("[data-scale-error]");
    var confirmation = $("[data-scale-confirmation]");
    var builtFor = null;
    var refused = {};

    function label(activity, value, index, count) {
      var words = index === 0 ? activity.min_label : index === count - 1 ? activity.max_label : "";
      var max = T.formatNumber(activity.max);
      return words ? T.str("value_label_end", { value: T.formatNumber(value), max: max, words: words })
        : T.str("value_label", { value: T.formatNumber(value), max: max });
    }

    function build(activity) {
      C.clear(box);
      var all = values(activity);
      box.setAttribute("data-count", String(all.length));
      all.forEach(function (value, index) {
        var button = el("button", "scale__value", T.formatNumber(value));
        button.type = "button";
        button.value = String(value);
        button.setAttribute("aria-label", label(activity, value, index, all.length));
        button.setAttribute("aria-pressed", "false");
        C.setTid(button, "scale-value-" + value);
        button.addEventListener("click", function () { choose(value); });
        box.appendChild(button);
      });
      $("[data-scale-low]").textContent = activity.min_label ? activity.min + " — " + activity.min_label : "";
      $("[data-scale-high]").textContent = activity.max_label ? activity.max + " — " + activity.max_label : "";
      builtFor = activity.id;
    }

    function choose(value) {
      var activity = kit.current();
      if (!activity || activity.status !== "open" || kit.given(activity.id).length || kit.queued(activity.id).length) return;
      errorNode.hidden = true;
      kit.send(activity, value);
    }

    function render(activity) {
      if (builtFor !== activity.id) build(activity);
      $("[data-scale-number]").textContent = kit.number(activity);
      $("[data-scale-prompt]").textContent = activity.prompt || "";
      var mine = kit.given(activity.id)[0];
      var waiting = kit.queued(activity.id)[0];
      var chosen = mine !== undefined ? mine : waiting ? waiting.value : null;
      var open = activity.status === "open";
      var locked = chosen !== null || refused[activity.id] || !open;
      Array.prototype.forEach.call(box.children, function (button) {
        var picked = chosen !== null && Number(button.value) === chosen;
        button.disabled = !!locked;
        button.classList.toggle("is-chosen", picked);
        button.setAttribute("aria-pressed", picked ? "true" : "false");
      });
      $("[data-scale-hint]").textContent = locked ? "" : T.str("hint");
      $("[data-scale-sending]").hidden = !waiting || mine !== undefined;
      confirmation.hidden = mine === undefined;
      if (mine !== undefined) $("[data-scale-mine]").textContent = T.str("your_answer", { value: T.formatNumber(mine) });
      $("[data-scale-closed]").hidden = open || mine !== undefined || !!waiting;
      renderResults(activity, mine);
    }

    /* Once shown: the average in words, then each value with its count and share. */
    function renderResults(activity, mine) {
      var result = kit.results(activity.id);
      var showing = !!result && activity.status !== "open";
      $("[data-scale-results]").hidden = !showing;
      if (!showing) return;
      var counts = result.counts || [];
      var n = result.n_answers || 0;
      var max = Math.max.apply(null, [0].concat(counts));
      var average = typeof result.average === "number" ? oneDecimal(result.average) : "–";
      $("[data-scale-phone-average]").textContent = T.plural("average", n)
        .split("{average}").join(average).split("{max}").join(T.formatNumber(activity.max))
        .split("{n}").join(T.formatNumber(n));
      var rows = values(activity).map(function (value, index) {
        var count = counts[index] || 0;
        var cell = el("span", "results__option");
        cell.appendChild(el("span", "results__text", T.formatNumber(value)));
        if (value === mine) cell.appendChild(el("span", "results__mine", T.str("your_choice")));
        var bar = cell.appendChild(el("span", "results__bar" + (max > 0 && count === max ? " is-leading" : "")));
        bar.setAttribute("aria-hidden", "true");
        bar.appendChild(el("span", "results__fill")).style.width = (n ? Math.min(100, count / n * 100) : 0).toFixed(1) + "%";
        return [cell, T.formatNumber(count), T.formatPercent(n ? count / n : 0)];
      });
      var holder = $("[data-scale-table]");
      C.clear(holder);
      holder.appendChild(C.table("results-table", T.str("results_caption"),
        [T.str("column_value"), T.str("column_people"), T.str("column_share")], rows));
    }

    var once = window.LiveKinds.answeredOnce(kit, refused, confirmation, C.errorLine(errorNode).show, null);
    return { screen: function () { return "scale"; }, render: render, answered: once.answered, refused: once.refused };
  }

  /* ---- the moderation console: the counts --------------------------------------- */

  function moderate(kit) {
    var T = kit.T;
    return {
      panel: function () { return "scale"; },
      render: function (activity, result) {
        var counts = result.counts || [];
        var rows = values(activity).map(function (value, index) {
          return [T.formatNumber(value), T.formatNumber(counts[index] || 0)];
        });
        var holder = kit.$("[data-scale-mod-table]");
        C.clear(holder);
        holder.appendChild(C.table("results-table", T.str("results_caption"), [T.str("column_value"), T.str("column_people")], rows));
        var n = result.n_answers || 0;
        kit.$("[data-scale-answers]").textContent = T.formatNumber(n);
        kit.$("[data-scale-answers-label]").textContent = T.plural("answers", n);
        kit.$("[data-scale-mod-average]").textContent = typeof result.average === "number"
          ? T.str("average_short", { average: oneDecimal(result.average) }) : "";
      }
    };
  }

  window.LiveKinds.register("scale", { host: host, phone: phone, moderate: moderate });
})();
