/* live: who comes in, on the projector and on phones (the server side is
   live/services/running/joins.py).

   Host: the badge when joins are locked (J), the expected size, and the prompt
   "N more people want to join: let them in / not now" (A) for phones waiting
   beyond the expected size. Phone: waiting, connected, until the host lets it in
   ("admitted", then "enter"), and the screen of a phone the session does not take
   (joins locked, the session over or full). A plain script loaded after common.js:
   it defines window.LiveJoins. */
(function () {
  "use strict";

  /* The host's view of joins; `page`: {root, $all, $, view, T, announce}. Gives
     back render(), called whenever `view.joins` changes. */
  function host(page) {
    var $ = page.$, T = page.T, view = page.view;
    var waitingAnnounced = 0;

    function render() {
      var joins = view.joins || {};
      var locked = !!joins.locked;
      page.$all("[data-joins-closed]").forEach(function (badge) { badge.hidden = !locked; });
      page.root.classList.toggle("is-joins-locked", locked);
      var expected = $("[data-expected]");
      expected.hidden = !joins.expected_participants;
      expected.textContent = joins.expected_participants ? "· " + T.str("expected", { n: T.formatNumber(joins.expected_participants) }) : "";
      var waiting = joins.n_waiting || 0;
      if (waiting < view.waitingDismissed) view.waitingDismissed = waiting;
      var show = waiting > 0 && !locked && !view.ended && view.phase !== "ended" && waiting > view.waitingDismissed;
      $("[data-joins-prompt]").hidden = !show;
      if (!show) {
        if (!waiting) waitingAnnounced = 0;
        return;
      }
      $("[data-waiting-count]").textContent = "+" + T.formatNumber(waiting);
      $("[data-waiting-title]").textContent = T.counted("waiting_title", waiting);
      $("[data-waiting-detail]").textContent = joins.expected_participants ?
        T.str("waiting_detail", { n: T.formatNumber(joins.expected_participants) }) : T.str("waiting_detail_none");
      if (waiting > waitingAnnounced) page.announce(T.counted("announce_waiting", waiting));
      waitingAnnounced = waiting;
    }

    $("[data-joins-dismiss]").addEventListener("click", function () {
      view.waitingDismissed = (view.joins && view.joins.n_waiting) || 0;
      render();
    });
    return { render: render };
  }

  /* A phone's door; `page`: {$, T, S, announce, showScreen, socket(), timeout,
     stopped() (removed or refused: nothing more to show), hideConnection(),
     refuse() (no retry any more), retry() (connect again)}. */
  function phone(page) {
    var $ = page.$, T = page.T;
    var waiting = false;

    /* The session has as many people as expected: this phone waits, connected. */
    function wait() {
      if (page.stopped()) return;
      waiting = true;
      page.hideConnection();
      page.showScreen("waiting");
      page.announce(T.str("announce_waiting"));
    }

    /* The host let the waiting phones in: come in; the welcome follows an ok. */
    function enter() {
      var socket = page.socket();
      if (!waiting || !socket || !socket.connected) return;
      socket.timeout(page.timeout).emit("enter", {}, function (err, ack) {
        // "waiting_for_host" or no answer: keep waiting.
        if (err || !ack || ack.ok) return;
        var codeName = ack.error && ack.error.code;
        if (codeName === "joins_locked" || codeName === "session_ended" || codeName === "session_full") refuse(codeName);
      });
    }

    /* A new phone the session does not take: joins locked by the host (it can try
       again later), the session over or full. Nothing is retried by itself. */
    function refuse(codeName, message) {
      waiting = false;
      page.refuse();
      var locked = codeName === "joins_locked";
      $("[data-error-heading]").textContent = locked ? T.str("joins_locked_title") :
        codeName === "session_ended" ? T.str("session_ended_title") : T.str("cannot_join");
      $("[data-fatal-text]").textContent = codeName === "session_ended" ? T.str("error_session_ended_join") :
        page.S["error_" + codeName] ? T.str("error_" + codeName) : (message || T.str("error_generic"));
      $("[data-icon='error']").hidden = locked;
      $("[data-icon='locked']").hidden = !locked;
      $("[data-retry]").hidden = !locked;
      var socket = page.socket();
      if (socket) {
        try { socket.io.reconnection(false); } catch (e) { /* old client */ }
        if (socket.connected) socket.disconnect();
      }
      page.hideConnection();
      page.showScreen("error");
      $("[data-error-heading]").focus();
    }

    $("[data-retry]").addEventListener("click", page.retry);
    return {
      wait: wait, enter: enter, refuse: refuse,
      welcomed: function () { waiting = false; },
      turnedAway: function (data) { refuse((data && data.code) || "joins_locked"); }
    };
  }

  window.LiveJoins = { host: host, phone: phone };
})();
