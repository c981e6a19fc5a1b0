/* live: an activity open beside the one on screen (state.side: a Q&A that stays
   open while polls and quizzes come and go), shared by the phone
   (participant.js) and the host screen (host.js). It never names a kind: which
   kinds run beside the others is their capability ("beside").

   - Phone: a bar at the bottom, always in reach while both run, goes to the
     activity beside ("Questions (12) →", the kind's sideLabel) and back ("← Back
     to: …"); when another activity comes on screen meanwhile, the bar says so
     and nothing being typed is taken away.
   - Host screen: one key (B) or button shows the activity beside over the one
     on screen, with a line saying what it covers; the same key goes back.

   A plain script loaded after common.js: it defines window.LiveBeside. */
(function () {
  "use strict";

  /* The phone's side: `page` holds root, $, str (the page's texts),
     partOf(activity) (the kind's part: sideLabel), render() and announce(text). */
  function phone(page) {
    var current = null;       // the activity on screen
    var side = null;          // the activity beside it, if any
    var onSide = false;       // the phone shows the one beside
    var newOnScreen = false;  // another activity came on screen meanwhile
    var bar = page.$("[data-side-switch]");
    var button = page.$("[data-side-go]");

    /* A new `state` (`now` on screen, `before` the one it replaced). True when it
       was announced here: a new activity on screen while the phone shows the
       one beside. */
    function update(state, now, before) {
      current = now;
      side = state.phase === "activity" && state.side ? state.side : null;
      if (!side || !current || current.id === side.id) {
        onSide = newOnScreen = false;
        return false;
      }
      if (!onSide || (before && before.id === current.id)) return false;
      newOnScreen = true;
      if (current.status !== "open") return false;
      page.announce(page.str("side_new", { prompt: current.prompt || "" }));
      return true;
    }

    /* What the phone shows of the activity on screen `now`: it, or the one beside. */
    function shown(now) { return onSide && side ? side : now; }

    function isShown(activityId) {
      return (!!current && current.id === activityId) || (!!side && side.id === activityId);
    }

    /* "Questions (12) →" while the activity on screen shows, "← Back to: …" while
       the one beside does; hidden unless both run. */
    function renderBar(shownActivity) {
      var both = !!shownActivity && !!side && !!current && current.id !== side.id;
      bar.hidden = !both;
      if (!both) return;
      var showingSide = shownActivity === side;
      var state = showingSide ? (newOnScreen ? "new" : "back") : "beside";
      button.setAttribute("data-state", state);
      page.$("[data-side-label]").textContent = showingSide ?
        page.str(newOnScreen ? "side_new" : "side_back", { prompt: current.prompt || "" }) :
        page.partOf(side).sideLabel(side);
    }

    function toggle() {
      if (!side || !current || current.id === side.id) return;
      onSide = !onSide;
      newOnScreen = false;
      page.render();
      // The heading of what shows now, for screen readers and keyboards.
      var heading = page.root.querySelector("section[data-screen]:not([hidden]) h1");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }

    button.addEventListener("click", toggle);
    return {
      update: update, shown: shown, isShown: isShown, renderBar: renderBar,
      side: function () { return side; }
    };
  }

  /* The host screen's side: `page` holds root, $, view (view.side comes with each
     state, view.showingSide is kept here), str, announce(text), render(). */
  function host(page) {
    var view = page.view;
    view.showingSide = false;

    /* The activity the stage shows: the one on screen, or the one beside it. */
    function shown() { return view.showingSide && view.side ? view.side : view.activity; }

    /* Over the activity on screen, the one beside it says what it covers and that
       B goes back. */
    function renderOver() {
      var over = page.$("[data-side-over]");
      var covering = view.showingSide && !!view.side && !!view.activity;
      over.hidden = !covering;
      page.root.classList.toggle("is-showing-side", covering);
      if (covering) page.$("[data-side-over-prompt]").textContent = view.activity.prompt || "";
      Array.prototype.forEach.call(page.root.querySelectorAll("[data-action='side']"), function (button) {
        button.setAttribute("aria-pressed", view.showingSide ? "true" : "false");
      });
    }

    function toggle() {
      if (!view.side && !view.showingSide) return;
      view.showingSide = !view.showingSide && !!view.side;
      page.render();
      var now = shown();
      if (now) page.announce(page.str(view.showingSide ? "announce_side" : "announce_side_back", { prompt: now.prompt || "" }));
    }

    /* A new state: back to the activity on screen when the one beside was closed,
       or when another activity came on screen (the room moves on with it). */
    function stateChanged(before) {
      var moved = !!before && !!view.activity && before.id !== view.activity.id;
      if (!view.side || moved) view.showingSide = false;
    }

    return { shown: shown, renderOver: renderOver, toggle: toggle, stateChanged: stateChanged };
  }

  window.LiveBeside = { phone: phone, host: host };
})();
