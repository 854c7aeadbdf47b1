// Runs side by side (nn.compare): every run at one epoch, by the slider, Play / Pause, keys and #epoch-k.
// Which frame each run shows at each epoch comes worked out in the data (steps[i].k, .p): this only
// looks it up.
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var data = JSON.parse(byId("compare-data").textContent);
  var runs = data.runs, steps = data.steps, last = steps.length - 1, shown = last;
  var slider = byId("slider"), play = byId("play"), where = byId("where");
  var panels = runs.map(function (run, r) {
    var el = document.querySelector('.run[data-run="' + r + '"]');
    return { el: el, image: el.querySelector("image.frame"), status: el.querySelector(".status"),
             values: el.querySelectorAll(".nums .v") };
  });
  var charts = Array.prototype.map.call(document.querySelectorAll("figure.chart"), function (fig) {
    return { key: fig.getAttribute("data-chart"), marker: fig.querySelector(".marker"),
             dots: fig.querySelectorAll(".dot") };
  });

  // #epoch-40: the latest step at or before epoch 40 (the first step if 40 comes before it).
  function fromHash() {
    var m = /^#epoch-(\d+)$/.exec(window.location.hash);
    if (!m) { return last; }
    var want = parseInt(m[1], 10), best = 0;
    steps.forEach(function (s, i) { if (s.epoch <= want) { best = i; } });
    return best;
  }

  function show(i, updateHash) {
    i = Math.max(0, Math.min(last, i));
    shown = i;
    var s = steps[i];
    slider.value = String(i);
    slider.setAttribute("aria-valuetext", s.label);
    where.textContent = s.label;
    panels.forEach(function (p, r) {
      var run = runs[r], f = run.frames[s.k[r]], past = s.p[r] === 1;
      p.image.setAttribute("href", f.png);
      p.image.setAttribute("data-epoch", String(f.epoch));
      p.status.textContent = past ? run.stopped : f.label;
      if (past) { p.el.setAttribute("data-past", ""); } else { p.el.removeAttribute("data-past"); }
      Array.prototype.forEach.call(p.values, function (v, j) { v.textContent = f.v[j]; });
    });
    charts.forEach(function (c) {
      c.marker.setAttribute("x1", s.x); c.marker.setAttribute("x2", s.x);
      Array.prototype.forEach.call(c.dots, function (d) {
        var r = parseInt(d.getAttribute("data-line"), 10), f = runs[r].frames[s.k[r]], y = f.y[c.key];
        if (y === null || y === undefined) { d.setAttribute("visibility", "hidden"); return; }
        d.setAttribute("visibility", "visible"); d.setAttribute("cx", f.x); d.setAttribute("cy", y);
      });
    });
    document.documentElement.setAttribute("data-step", String(i));
    if (updateHash) { shell.setHash("#epoch-" + s.epoch); }
  }

  var player = shell.player({ play: play, slider: slider, last: last, delay: data.delay, show: show,
                              current: function () { return shown; } });
  window.addEventListener("hashchange", function () { player.pause(); show(fromHash(), false); });
  byId("controls").hidden = false;
  show(fromHash(), false);
})();
