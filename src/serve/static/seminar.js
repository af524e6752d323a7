// heartland seminar: keeps a page current without a framework. Polls /version every two
// seconds and reloads the page when the game has changed, unless a form on it has been
// touched (then it says so instead); counts the turn's clock down.
(function () {
  "use strict";
  var body = document.body;
  var version = body.getAttribute("data-version");
  var dirty = false;
  document.addEventListener("input", function (e) {
    if (e.target.closest && e.target.closest("form")) { dirty = true; }
  });
  document.addEventListener("submit", function () { dirty = false; });
  function poll() {
    var req = new XMLHttpRequest();
    req.open("GET", "/version", true);
    req.timeout = 5000;
    req.onload = function () {
      if (req.status === 200) {
        var v = String(JSON.parse(req.responseText).version);
        if (v !== version) {
          if (dirty) {
            document.getElementById("stale").hidden = false;
          } else {
            window.location.replace(window.location.pathname);
          }
        }
      }
    };
    req.send();
  }
  setInterval(poll, 2000);
  var start = Date.now();
  var clocks = document.querySelectorAll(".clock[data-left]");
  function tick() {
    var gone = Math.floor((Date.now() - start) / 1000);
    for (var i = 0; i < clocks.length; i++) {
      var left = Math.max(0, parseInt(clocks[i].getAttribute("data-left"), 10) - gone);
      var s = left % 60;
      clocks[i].textContent = Math.floor(left / 60) + ":" + (s < 10 ? "0" : "") + s;
      clocks[i].classList.toggle("late", left === 0);
    }
  }
  if (clocks.length) { setInterval(tick, 1000); }
})();
