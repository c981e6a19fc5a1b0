/* The test kind's browser module: registered by name like every kind. */
(function () {
  "use strict";
  if (!window.LiveKinds) return;
  window.LiveKinds.register("counter", {});
})();
