// The training replay: one recorded epoch at a time, by the slider, Play / Pause, keys and #epoch-k.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("replay-data").textContent);
  var frames = data.frames, last = frames.length - 1, shown = last, timer = null;
  var slider = document.getElementById("slider");
  var play = document.getElementById("play");
  var image = document.getElementById("frame");
  function byId(id) { return document.getElementById(id); }
  var readout = { epoch: byId("r-epoch"), loss: byId("r-loss"), acc: byId("r-acc"),
                  val_loss: byId("r-val_loss"), val_acc: byId("r-val_acc") };

  function fromHash() {
    var m = /^#epoch-(\d+)$/.exec(window.location.hash);
    if (!m) { return last; }
    var want = parseInt(m[1], 10), best = 0;
    frames.forEach(function (f, i) {
      if (Math.abs(f.epoch - want) < Math.abs(frames[best].epoch - want)) { best = i; }
    });
    return best;
  }

  function show(i, updateHash) {
    i = Math.max(0, Math.min(last, i));
    shown = i;
    var f = frames[i];
    image.setAttribute("href", f.png);
    var line = byId("legend-boundary");  // named only while this frame draws a boundary
    if (line) { line.hidden = f.boundary === false; }
    slider.value = String(i);
    slider.setAttribute("aria-valuetext", f.text.epoch);
    byId("r-epoch-nav").textContent = f.text.epoch;
    Object.keys(readout).forEach(function (k) {
      if (readout[k]) { readout[k].textContent = f.text[k]; }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".marker"), function (m) {
      m.setAttribute("x1", f.x); m.setAttribute("x2", f.x);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".dot"), function (d) {
      var y = f.y[d.getAttribute("data-series")];
      if (y === null || y === undefined) { d.setAttribute("visibility", "hidden"); return; }
      d.setAttribute("visibility", "visible"); d.setAttribute("cx", f.x); d.setAttribute("cy", y);
    });
    document.documentElement.setAttribute("data-frame", String(i));
    if (updateHash) { shell.setHash("#epoch-" + frames[i].epoch); }
  }

  function pause() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
    play.textContent = "\u25B6 Play";
    play.setAttribute("aria-pressed", "false");
  }

  function start() {
    if (shown === last) { show(0, true); }
    play.textContent = "|| Pause";
    play.setAttribute("aria-pressed", "true");
    timer = window.setInterval(function () {
      if (shown >= last) { pause(); return; }
      show(shown + 1, true);
    }, data.delay);
  }

  play.addEventListener("click", function () { if (timer === null) { start(); } else { pause(); } });
  slider.addEventListener("input", function () { pause(); show(parseInt(slider.value, 10), true); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
    var onSlider = e.target === slider, onButton = e.target && e.target.tagName === "BUTTON";
    if ((e.key === " " || e.key === "k") && !onButton) { play.click(); }
    else if (!onSlider && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      pause(); show(shown + (e.key === "ArrowRight" ? 1 : -1), true);
    }
    else if (!onSlider && (e.key === "Home" || e.key === "End")) {
      pause(); show(e.key === "Home" ? 0 : last, true);
    }
    else { return; }
    e.preventDefault();
  });
  window.addEventListener("hashchange", function () { pause(); show(fromHash(), false); });
  byId("controls").hidden = false;
  show(fromHash(), false);
})();
