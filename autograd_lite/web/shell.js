// Every page's first lines, before its own script: where the page sits, and the address.
// In a frame (a notebook's output cell: autograd_lite.display) the page marks itself
// data-framed for the CSS. In a srcdoc frame the address is the notebook's own: "#step-3"
// resolves against it and would load the notebook into the frame, so the page never touches it.
var shell = (function () {
  "use strict";
  var framed = window.self !== window.top;
  var srcdoc = window.location.href === "about:srcdoc";
  if (framed) { document.documentElement.setAttribute("data-framed", ""); }

  function setHash(hash) {
    if (srcdoc || window.location.hash === hash) { return; }
    try {
      window.history.replaceState(null, "", hash);
    } catch (e) {
      window.location.replace(hash);
    }
  }

  // Play / Pause, a slider and the keys over states 0..o.last (the replay and the comparison):
  // Space or k plays and pauses, the arrows step, Home and End go to the ends; o.show(i, true) draws
  // state i (and sets the address), o.current() is the state shown. Returns { pause: ... }.
  function player(o) {
    var timer = null;
    function pause() {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
      o.play.textContent = "\u25B6 Play";
      o.play.setAttribute("aria-pressed", "false");
    }
    function start() {
      if (o.current() === o.last) { o.show(0, true); }
      o.play.textContent = "|| Pause";
      o.play.setAttribute("aria-pressed", "true");
      timer = window.setInterval(function () {
        if (o.current() >= o.last) { pause(); return; }
        o.show(o.current() + 1, true);
      }, o.delay);
    }
    o.play.addEventListener("click", function () { if (timer === null) { start(); } else { pause(); } });
    o.slider.addEventListener("input", function () { pause(); o.show(parseInt(o.slider.value, 10), true); });
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
      var onSlider = e.target === o.slider, onButton = e.target && e.target.tagName === "BUTTON";
      if ((e.key === " " || e.key === "k") && !onButton) { o.play.click(); }
      else if (!onSlider && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
        pause(); o.show(o.current() + (e.key === "ArrowRight" ? 1 : -1), true);
      }
      else if (!onSlider && (e.key === "Home" || e.key === "End")) {
        pause(); o.show(e.key === "Home" ? 0 : o.last, true);
      }
      else { return; }
      e.preventDefault();
    });
    return { pause: pause };
  }

  return { framed: framed, srcdoc: srcdoc, setHash: setHash, player: player };
})();
