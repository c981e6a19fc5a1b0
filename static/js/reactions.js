/* live: reactions (issue 14). Participants send an emoji of the session's set at
   any time; the host screen shows them float up.

   - Phone: LiveReactions.phone(bar, kit) draws the bar of the session's emoji
     (state.reactions) fixed at the bottom, shown in the lobby and during every
     activity, hidden when the session has none; a tap sends "react" and the
     button pops; "rate_limited" pauses the bar a moment with a short note.
     participant.js tells it the state (set(list)) and the screen (screen(name)).
   - Host: LiveReactions.host(root, kit) lets a few emoji float up the screen for
     each "reactions" push (coalesced by the server; capped here, transform and
     opacity only, cheap on a weak laptop). With prefers-reduced-motion, a small
     counter instead (totals since the page opened, shown while reactions come). The H key or the button hides them (kept per session in
     localStorage). host.js adds its events ("reactions", "state", "host_state").

   Emoji come from the session's settings (the facilitator's), names from the
   page (templates/reactions.html); everything goes in with textContent. */
(function () {
  "use strict";

  var C = window.LiveCommon;
  if (!C) return;
  var S = C.readJson("live-reaction-strings", {});
  var NAMES = C.readJson("live-reaction-names", {});

  function nameOf(emoji) { return NAMES[emoji] || emoji; }
  function sameList(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }
  function listOf(value) { return Array.isArray(value) ? value.filter(function (x) { return typeof x === "string"; }) : []; }

  /* ---- the phone's bar ----------------------------------------------------------- */

  var PAUSE_MS = 2500;       // after "rate_limited": the bar rests this long
  var ACK_TIMEOUT = 5000;
  // Screens without the bar: before joining, waiting to be let in, and after.
  var NO_BAR = ["join", "connecting", "waiting", "removed", "ended", "error"];

  function phone(bar, kit) {
    if (!bar) return null;
    var T = C.texts(S, kit.lang);
    var buttons = bar.querySelector("[data-reaction-buttons]");
    var note = bar.querySelector("[data-reaction-note]");
    var say = C.announcer(bar.querySelector("[data-reaction-announcer]"), 80);
    var emojis = [], onScreen = false, pausedUntil = 0, resumeTimer = null;

    function build() {
      C.clear(buttons);
      emojis.forEach(function (emoji, index) {
        var button = C.el("button", "reaction-bar__button");
        button.type = "button";
        button.setAttribute("data-emoji", emoji);
        button.setAttribute("data-testid", "react-" + index);
        button.setAttribute("aria-label", nameOf(emoji));
        button.appendChild(C.el("span", "reaction-bar__emoji", emoji)).setAttribute("aria-hidden", "true");
        button.addEventListener("click", function () { tap(button); });
        buttons.appendChild(button);
      });
    }

    function update() {
      var shown = onScreen && emojis.length > 0;
      bar.hidden = !shown;
    }

    function pop(button) {
      button.classList.remove("is-popped");
      void button.offsetWidth;  // restart the animation on every tap
      button.classList.add("is-popped");
    }

    function paused() { return Date.now() < pausedUntil; }

    function pause() {
      pausedUntil = Date.now() + PAUSE_MS;
      bar.classList.add("is-paused");
      Array.prototype.forEach.call(buttons.children, function (b) { b.setAttribute("aria-disabled", "true"); });
      note.textContent = T.str("slow_down");
      note.hidden = false;
      say(T.str("slow_down"));
      clearTimeout(resumeTimer);
      resumeTimer = setTimeout(resume, PAUSE_MS);
    }

    function resume() {
      bar.classList.remove("is-paused");
      Array.prototype.forEach.call(buttons.children, function (b) { b.removeAttribute("aria-disabled"); });
      note.hidden = true;
    }

    function tap(button) {
      var socket = kit.socket();
      if (!socket || !socket.connected || paused()) return;
      var emoji = button.getAttribute("data-emoji");
      pop(button);
      socket.timeout(ACK_TIMEOUT).emit("react", { emoji: emoji }, function (err, ack) {
        if (err || !ack) return;  // a lost tap is not worth sending again
        if (ack.ok) say(T.str("sent", { name: nameOf(emoji) }));
        else if (ack.error && ack.error.code === "rate_limited") pause();
      });
    }

    return {
      /* The session's emoji, from its state (an empty list: reactions are off). */
      set: function (list) {
        list = listOf(list);
        if (sameList(list, emojis)) return;
        emojis = list;
        build();
        update();
      },
      /* The phone shows screen `name`: the bar comes with the lobby and the activities. */
      screen: function (name) {
        onScreen = NO_BAR.indexOf(name) < 0;
        update();
      }
    };
  }

  /* ---- the host screen ----------------------------------------------------------- */

  var MAX_FLOATING = 36;     // emoji on screen at once, at most
  var TALLY_MS = 6000;       // less motion: the counter stays this long after the last reaction
  var PER_PUSH = 12;         // emoji one push may start
  var FLOAT_MS = 3200;
  var SPREAD_MS = 250;       // a push's emoji start over this time (the server pushes about this often)

  function host(root, kit) {
    var layer = root.querySelector("[data-reaction-layer]");
    var tally = root.querySelector("[data-reaction-tally]");
    var tallyList = root.querySelector("[data-reaction-tally-list]");
    var toggle = root.querySelector("[data-reactions-toggle]");
    if (!layer || !tally || !toggle) return null;
    var T = C.texts(S, kit.lang);
    var KEY = "live:reactions-hidden:" + kit.code;
    var hidden = C.storage.get(KEY) === "1";
    var emojis = [], ended = false, floating = 0, totals = {}, recent = false, quietTimer = null;

    function render() {
      var on = emojis.length > 0 && !ended;
      toggle.hidden = !on;
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
      toggle.querySelector(".visually-hidden").textContent = T.str(hidden ? "show" : "hide");
      toggle.classList.toggle("is-off", hidden);
      layer.hidden = !on || hidden || C.reducedMotion;
      // The counter shows while reactions come, then leaves the results alone.
      tally.hidden = !on || hidden || !C.reducedMotion || !recent;
    }

    function setHidden(value) {
      hidden = value;
      C.storage.set(KEY, hidden ? "1" : "0");
      if (hidden) C.clear(layer);  // each one's timer still counts it out
      render();
      kit.announce(T.str(hidden ? "announce_hidden" : "announce_shown"));
    }

    /* One emoji floating up from a random place along the bottom, then gone. */
    function float(emoji, delay) {
      if (floating >= MAX_FLOATING) return;
      floating += 1;
      setTimeout(function () {
        if (hidden || ended) { floating -= 1; return; }
        var node = C.el("span", "reaction-float", emoji);
        node.style.left = (6 + Math.random() * 88).toFixed(1) + "%";
        node.style.setProperty("--drift", ((Math.random() - 0.5) * 12).toFixed(1) + "vw");
        node.style.setProperty("--size", (0.85 + Math.random() * 0.5).toFixed(2));
        var gone = false;
        function remove() {
          if (gone) return;
          gone = true;
          floating -= 1;
          if (node.parentNode) node.parentNode.removeChild(node);
        }
        node.addEventListener("animationend", remove);
        setTimeout(remove, FLOAT_MS + 500);  // even when no animation runs
        layer.appendChild(node);
      }, delay);
    }

    function drawTally() {
      C.clear(tallyList);
      emojis.concat(Object.keys(totals).filter(function (e) { return emojis.indexOf(e) < 0; })).forEach(function (emoji) {
        if (!totals[emoji]) return;
        var item = C.el("li", "reaction-tally__item");
        item.appendChild(C.el("span", "reaction-tally__emoji", emoji)).setAttribute("aria-hidden", "true");
        item.appendChild(C.el("span", "visually-hidden", nameOf(emoji) + " "));
        item.appendChild(C.el("span", "reaction-tally__count", kit.formatNumber(totals[emoji])));
        tallyList.appendChild(item);
      });
    }

    function onReactions(payload) {
      var counts = payload && payload.counts;
      if (!counts || typeof counts !== "object") return;
      var started = [];
      Object.keys(counts).forEach(function (emoji) {
        var n = Math.max(0, Math.floor(Number(counts[emoji]) || 0));
        totals[emoji] = (totals[emoji] || 0) + n;
        for (var i = 0; i < n && started.length < PER_PUSH; i++) started.push(emoji);
      });
      if (C.reducedMotion) {
        drawTally();
        recent = true;
        clearTimeout(quietTimer);
        quietTimer = setTimeout(function () { recent = false; render(); }, TALLY_MS);
      }
      render();
      if (hidden || C.reducedMotion || ended) return;
      started.sort(function () { return Math.random() - 0.5; }).forEach(function (emoji, i) {
        float(emoji, Math.round(i * SPREAD_MS / started.length));
      });
    }

    function onState(state) {
      if (!state) return;
      emojis = listOf(state.reactions);
      ended = state.phase === "ended";
      if (ended) C.clear(layer);
      render();
    }

    toggle.addEventListener("click", function () { setHidden(!hidden); });
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || C.isTyping(event.target)) return;
      if ((event.key || "").toLowerCase() !== "h" || toggle.hidden || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      setHidden(!hidden);
    });
    render();

    return {
      /* The Socket.IO events the host page adds for reactions. */
      events: [
        ["reactions", onReactions],
        ["state", onState],
        ["host_state", function (view) { onState(view && view.state); }]
      ]
    };
  }

  window.LiveReactions = { phone: phone, host: host };
})();
