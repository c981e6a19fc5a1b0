/* live: the ranking's browser module (rules in live/activities/ranking/, partials
   in its templates/ folder).

   Host screen: the options best first, each with its place, average rank and Borda
   count as a bar; when the order changes the rows glide to their new places (not
   with prefers-reduced-motion). Phone: the options in a list to put in order, by
   tapping one then the option whose place it takes, by dragging its handle, or
   with Move up / Move down buttons: fully usable without drag, each move announced
   in a live region with the focus kept on the moved option; then Send. Once the
   facilitator shows the results, a table of every option with its place, average
   rank and points. Options are people's text: textContent only. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  var el = C.el;

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  /* Option indices best first (highest Borda count; a tie keeps the written order). */
  function orderOf(result, nOptions) {
    if (result && Array.isArray(result.order) && result.order.length === nOptions) return result.order.slice();
    var borda = (result && result.borda) || [];
    var order = [];
    for (var i = 0; i < nOptions; i++) order.push(i);
    return order.sort(function (a, b) { return (borda[b] || 0) - (borda[a] || 0) || a - b; });
  }

  /* Places as people read them: equal Borda counts share a place. */
  function placesOf(order, borda) {
    var places = {};
    order.forEach(function (index, position) {
      var before = order[position - 1];
      places[index] = position > 0 && (borda[index] || 0) === (borda[before] || 0) ? places[before] : position + 1;
    });
    return places;
  }

  /* The results as rows of a table: option (its place before it), average rank, points. */
  function resultRows(T, activity, result, mine) {
    var options = activity.options || [];
    var borda = result.borda || [];
    var average = result.average_rank || [];
    var order = orderOf(result, options.length);
    var places = placesOf(order, borda);
    return order.map(function (index) {
      var label = el("span", "results__option");
      label.appendChild(el("span", "results__letter", T.formatNumber(places[index]) + ". "));
      label.appendChild(el("span", "results__text", options[index]));
      if (mine && mine.indexOf(index) !== -1) {
        label.appendChild(el("span", "results__mine", T.str("your_place", { n: T.formatNumber(mine.indexOf(index) + 1) })));
      }
      var avg = average[index];
      return [label, avg === null || avg === undefined ? "—" : T.formatNumber(avg), T.formatNumber(borda[index] || 0)];
    });
  }

  /* ---- the projector: bars of the Borda count, best first ----------------------- */

  function host(kit) {
    var T = kit.T;
    var chart = kit.$("[data-rank-chart]");
    var rows = {};   // option index -> {row, place, fill, average, points, spoken}

    function clear() {
      C.clear(chart);
      rows = {};
    }

    function build(activity) {
      clear();
      var options = activity.options || [];
      chart.setAttribute("data-density", options.length > 6 ? "dense" : options.length > 4 ? "medium" : "normal");
      chart.setAttribute("aria-label", T.str("chart_label", { n: (kit.indexOf(activity.id) + 1) || activity.position + 1 }));
      options.forEach(function (option, index) {
        var row = el("li", "bar rank-bar");
        row.setAttribute("data-testid", "rank-row-" + index);
        var label = el("span", "bar__label");
        var place = el("span", "bar__letter rank-bar__place", String(index + 1));
        label.appendChild(place);
        label.appendChild(el("span", "bar__text", option));
        var figures = el("span", "bar__figures");
        var average = el("span", "bar__percent rank-bar__average");
        average.setAttribute("data-testid", "rank-average-" + index);
        var points = el("span", "bar__count");
        points.setAttribute("data-testid", "rank-points-" + index);
        figures.appendChild(average);
        figures.appendChild(points);
        var track = el("span", "bar__track");
        track.setAttribute("aria-hidden", "true");
        var fill = el("span", "bar__fill");
        track.appendChild(fill);
        row.appendChild(label);
        row.appendChild(figures);
        row.appendChild(track);
        chart.appendChild(row);
        rows[index] = { row: row, place: place, fill: fill, average: average, points: points };
      });
    }

    /* Rows that changed places glide there (FLIP: from where they were drawn). */
    function reorder(order) {
      var current = Array.prototype.slice.call(chart.children);
      var wanted = order.map(function (index) { return rows[index].row; });
      if (wanted.every(function (row, i) { return current[i] === row; })) return;
      var before = new Map();
      wanted.forEach(function (row) { before.set(row, row.getBoundingClientRect().top); });
      wanted.forEach(function (row) { chart.appendChild(row); });
      if (reducedMotion()) return;
      wanted.forEach(function (row) {
        var shift = before.get(row) - row.getBoundingClientRect().top;
        if (!shift) return;
        row.style.transition = "none";
        row.style.transform = "translateY(" + shift + "px)";
        row.getBoundingClientRect();  // the browser takes the start position in
        row.style.transition = "transform .7s cubic-bezier(.22, .9, .3, 1)";
        row.style.transform = "";
      });
    }

    function render(activity, result, nAnswers) {
      var options = activity.options || [];
      var borda = (result && result.borda) || [];
      var average = (result && result.average_rank) || [];
      var most = Math.max(1, (options.length - 1) * (nAnswers || 0));
      var order = orderOf(result, options.length);
      var places = placesOf(order, borda);
      order.forEach(function (index) {
        var row = rows[index];
        if (!row) return;
        var points = borda[index] || 0;
        var avg = average[index];
        row.place.textContent = nAnswers ? T.formatNumber(places[index]) : String(index + 1);
        row.place.setAttribute("aria-label", T.str("place", { n: T.formatNumber(places[index]) }));
        row.average.textContent = avg === null || avg === undefined ? T.str("no_average") :
          T.str("average", { average: T.formatNumber(avg) });
        row.points.textContent = T.plural("points", points).split("{n}").join(T.formatNumber(points));
        row.fill.style.width = (nAnswers ? Math.min(100, points / most * 100) : 0).toFixed(2) + "%";
        row.row.classList.toggle("is-leading", nAnswers > 0 && places[index] === 1);
      });
      if (nAnswers) reorder(order);
    }

    function fit() {
      C.shrinkToFit(chart, chart);
    }

    return {
      build: build, clear: clear, render: render, fit: fit,
      describe: function () { return T.str("describe"); }
    };
  }

  /* ---- the phone: put in order, send, then the results once shown --------------- */

  function phone(kit) {
    var T = kit.T;
    var form = kit.$("[data-ranking-form]");
    // Within the ranking's own screen: other kinds' screens have nodes of the same names.
    function $(selector) { return form.querySelector(selector); }
    var list = $("[data-rank-list]");
    var live = $("[data-rank-live]");
    var errorNode = $("[data-error]");
    var sendButton = $("[data-rank-send]");
    var confirmation = $("[data-confirmation]");
    var orders = {};     // activity id -> option indices as this phone orders them
    var picked = null;   // the option index picked by a first tap, or null
    var builtFor = null, builtLocked = null;
    var refused = {};

    function say(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 60);
    }
    var errorLine = C.errorLine(errorNode);
    var showError = errorLine.show, hideError = errorLine.hide;

    function orderFor(activity) {
      var mine = kit.given(activity.id)[0] || (kit.queued(activity.id)[0] || {}).value;
      if (Array.isArray(mine)) return mine.slice();
      if (!orders[activity.id]) orders[activity.id] = (activity.options || []).map(function (o, i) { return i; });
      return orders[activity.id];
    }

    /* Move the option at `from` to `to` (places from 0), then say where it is and
       put the focus back on the control that moved it (`focus`: "up", "down", "pick"). */
    function move(activity, from, to, focus) {
      var order = orders[activity.id];
      if (to < 0 || to >= order.length || from === to) return;
      var index = order.splice(from, 1)[0];
      order.splice(to, 0, index);
      draw(activity, false);
      var option = (activity.options || [])[index];
      say(T.str("moved", { option: option, place: T.formatNumber(to + 1), total: T.formatNumber(order.length) }));
      var item = list.querySelector("[data-option='" + index + "']");
      if (!item) return;
      var target = item.querySelector("[data-move='" + focus + "']");
      // At the top "up" is gone: the focus goes to the other button, never to the page.
      if (!target || target.disabled) target = item.querySelector("[data-move='" + (focus === "up" ? "down" : "up") + "']");
      if (focus === "pick" || !target || target.disabled) target = item.querySelector("[data-pick]");
      target.focus();
    }

    function draw(activity, locked) {
      var options = activity.options || [];
      var order = locked ? orderFor(activity) : orders[activity.id];
      C.clear(list);
      list.classList.toggle("is-locked", !!locked);
      order.forEach(function (index, place) {
        var option = options[index];
        var item = el("li", "rank-item" + (picked === index && !locked ? " is-picked" : ""));
        item.setAttribute("data-option", String(index));
        C.setTid(item, "rank-item-" + place);
        // The place is a handle too (for dragging on narrow phones, where the ⠿ handle is left out).
        var badge = item.appendChild(el("span", "rank-item__place", T.formatNumber(place + 1)));
        badge.setAttribute("aria-hidden", "true");
        if (!locked) badge.setAttribute("data-handle", "");
        var pick = el("button", "rank-item__pick");
        pick.type = "button";
        pick.setAttribute("data-pick", "");
        pick.appendChild(el("span", "rank-item__text", option));
        pick.setAttribute("aria-label", T.str("pick", { option: option, place: T.formatNumber(place + 1), total: T.formatNumber(order.length) }));
        pick.setAttribute("aria-pressed", picked === index && !locked ? "true" : "false");
        pick.disabled = !!locked;
        item.appendChild(pick);
        if (!locked) {
          var moves = el("span", "rank-item__moves");
          [["up", "▲", place === 0], ["down", "▼", place === order.length - 1]].forEach(function (spec) {
            var button = el("button", "rank-move", spec[1]);
            button.type = "button";
            button.setAttribute("data-move", spec[0]);
            button.setAttribute("aria-label", T.str("move_" + spec[0], { option: option }));
            C.setTid(button, "move-" + spec[0] + "-" + index);
            button.disabled = spec[2];
            moves.appendChild(button);
          });
          item.appendChild(moves);
          var handle = el("span", "rank-item__handle", "⠿");
          handle.setAttribute("aria-hidden", "true");
          handle.title = T.str("drag_handle");
          handle.setAttribute("data-handle", "");
          item.appendChild(handle);
        }
        list.appendChild(item);
      });
    }

    list.addEventListener("click", function (event) {
      var activity = kit.current();
      var button = event.target.closest("button");
      if (!activity || !button || button.disabled || !orders[activity.id]) return;
      hideError();
      var item = button.closest("[data-option]");
      var index = parseInt(item.getAttribute("data-option"), 10);
      var order = orders[activity.id];
      var place = order.indexOf(index);
      var direction = button.getAttribute("data-move");
      if (direction) {
        picked = null;
        return move(activity, place, direction === "up" ? place - 1 : place + 1, direction);
      }
      // Tap to order: the first tap picks an option, the second puts it in the tapped one's place.
      var option = (activity.options || [])[index];
      if (picked === null) {
        picked = index;
        draw(activity, false);
        list.querySelector("[data-option='" + index + "'] [data-pick]").focus();
        return say(T.str("picked", { option: option }));
      }
      var from = order.indexOf(picked), moving = picked;
      picked = null;
      if (moving === index) {
        draw(activity, false);
        list.querySelector("[data-option='" + index + "'] [data-pick]").focus();
        return say(T.str("unpicked", { option: option }));
      }
      move(activity, from, place, "pick");
      var moved = list.querySelector("[data-option='" + moving + "'] [data-pick]");
      if (moved) moved.focus();
    });

    /* Dragging by the handle (pointer events: touch, pen and mouse alike). */
    var drag = null;
    list.addEventListener("pointerdown", function (event) {
      var handle = event.target.closest("[data-handle]");
      var activity = kit.current();
      if (!handle || !activity || !orders[activity.id]) return;
      event.preventDefault();
      var item = handle.closest("[data-option]");
      drag = { activity: activity, item: item, index: parseInt(item.getAttribute("data-option"), 10), startY: event.clientY };
      item.classList.add("is-dragging");
      handle.setPointerCapture(event.pointerId);
    });
    list.addEventListener("pointermove", function (event) {
      if (!drag) return;
      drag.item.style.transform = "translateY(" + (event.clientY - drag.startY) + "px)";
    });
    function endDrag(event) {
      if (!drag) return;
      var current = drag;
      drag = null;
      current.item.classList.remove("is-dragging");
      current.item.style.transform = "";
      var items = Array.prototype.slice.call(list.children).filter(function (n) { return n !== current.item; });
      var to = items.filter(function (n) {
        var box = n.getBoundingClientRect();
        return box.top + box.height / 2 < event.clientY;
      }).length;
      var order = orders[current.activity.id];
      picked = null;
      move(current.activity, order.indexOf(current.index), to, "pick");
    }
    list.addEventListener("pointerup", endDrag);
    list.addEventListener("pointercancel", function () {
      if (!drag) return;
      drag.item.classList.remove("is-dragging");
      drag.item.style.transform = "";
      drag = null;
    });

    function render(activity) {
      var mine = kit.given(activity.id)[0];
      var waiting = kit.queued(activity.id)[0];
      var open = activity.status === "open";
      var sent = Array.isArray(mine), sending = !!waiting;
      var locked = sent || sending || !!refused[activity.id] || !open;
      if (builtFor !== activity.id) {
        orders[activity.id] = orders[activity.id] || (activity.options || []).map(function (o, i) { return i; });
        picked = null;
        hideError();
      }
      if (builtFor !== activity.id || builtLocked !== locked) draw(activity, locked);
      builtFor = activity.id;
      builtLocked = locked;
      $("[data-ranking-number]").textContent = kit.number(activity);
      $("[data-prompt]").textContent = activity.prompt || "";
      $("[data-ranking-hint]").textContent = locked ? "" : T.str("hint");
      sendButton.hidden = locked;
      $("[data-sending]").hidden = !sending || sent;
      confirmation.hidden = !sent;
      $("[data-closed]").hidden = open || sent || sending;
      renderResults(activity, sent ? mine : null);
    }

    function renderResults(activity, mine) {
      var result = kit.results(activity.id);
      var showing = !!result && activity.status !== "open";
      $("[data-ranking-results]").hidden = !showing;
      list.hidden = showing;
      if (!showing) return;
      var holder = $("[data-ranking-table]");
      C.clear(holder);
      holder.appendChild(C.table("results-table results-table--wrap", T.str("results_caption"),
        [T.str("column_option"), T.str("column_average"), T.str("column_points")],
        resultRows(T, activity, result, mine)));
      $("[data-ranking-total]").textContent = T.counted("n_rankers", result.n_answers || 0);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activity = kit.current();
      if (!activity || activity.status !== "open" || kit.queued(activity.id).length || !orders[activity.id]) return;
      hideError();
      picked = null;
      kit.send(activity, orders[activity.id].slice());
    });

    var once = window.LiveKinds.answeredOnce(kit, refused, confirmation, showError, function () { return sendButton; });
    return { screen: function () { return "ranking"; }, render: render, answered: once.answered, refused: once.refused };
  }

  /* ---- the moderation console: the figures, for the record ---------------------- */

  function moderate(kit) {
    var T = kit.T;
    return {
      panel: function () { return "ranking"; },
      render: function (activity, result) {
        var holder = kit.$("[data-ranking-table]");
        C.clear(holder);
        holder.appendChild(C.table("mod-table", T.str("results_caption"),
          [T.str("column_option"), T.str("column_average"), T.str("column_points")],
          resultRows(T, activity, result || {}, null)));
      }
    };
  }

  window.LiveKinds.register("ranking", { host: host, phone: phone, moderate: moderate });
})();
