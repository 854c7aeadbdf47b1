// The descent playground (nn.descent_playground): Next iteration / Play / Reset over trajectories that
// Python computed. This script only draws: every point, f, derivative and step is in the data,
// from the engine's backward() and nn.optim; there is no derivative or update rule here.
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var data = JSON.parse(byId("descend-data").textContent);
  var formulas = data.formulas;
  var svg = byId("picture"), NS = svg.namespaceURI;  // the SVG namespace, without a URL in the page
  var box = { left: +svg.getAttribute("data-left"), top: +svg.getAttribute("data-top"),
              width: +svg.getAttribute("data-width"), height: +svg.getAttribute("data-height") };
  var fnSel = byId("fn"), startSel = byId("start"), lrSel = byId("lr"), optSel = byId("opt");
  var optLabel = byId("opt-label"), verdict = byId("verdict"), where = byId("where");
  var readout = byId("readout"), caption = byId("caption"), tangent = byId("tangent");
  var trails = byId("trails"), points = byId("points");
  var nextBtn = byId("next"), playBtn = byId("play"), resetBtn = byId("reset");
  var state = { fn: 0, start: 0, lr: 0, opt: 0, k: 0 }, timer = null;

  function fmt(x) {
    if (x === null || x === undefined) { return "\u2014"; }
    if (x === 0) { return "0"; }
    var a = Math.abs(x);
    if (a >= 1e6 || a < 1e-4) { return x.toExponential(3).replace("e+", "e"); }
    return String(parseFloat(x.toPrecision(6)));
  }
  function signed(x) { return (x > 0 ? "+" : "") + fmt(x); }
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function option(sel, text, value) {
    var o = document.createElement("option");
    o.value = String(value); o.textContent = text; sel.appendChild(o);
  }

  // Data coordinates to the picture's: x and, for one variable, f(x) up; for two, y up.
  function px(f, x) { var v = f.view; return box.left + (x - v[0]) / (v[1] - v[0]) * box.width; }
  function py(f, y) { var v = f.view; return box.top + (v[3] - y) / (v[3] - v[2]) * box.height; }

  function formula() { return formulas[state.fn]; }
  function runOf(f, o) { return f.runs[state.start + "." + state.lr + "." + o]; }
  function shownOptimizers(f) {
    return f.dims === 1 ? [state.opt] : f.optimizers.map(function (_, o) { return o; });
  }
  function lastK(f) {
    return Math.max.apply(null, shownOptimizers(f).map(function (o) { return runOf(f, o).p.length - 1; }));
  }

  function fillChoices() {
    var f = formula();
    startSel.textContent = ""; lrSel.textContent = ""; optSel.textContent = "";
    f.starts.forEach(function (s, i) {
      option(startSel, f.dims === 1 ? f.vars[0] + " = " + fmt(s[0]) : "(" + fmt(s[0]) + ", " + fmt(s[1]) + ")", i);
    });
    f.lrText.forEach(function (t, i) { option(lrSel, t, i); });
    f.optimizers.forEach(function (o, i) { option(optSel, o, i); });
    optLabel.hidden = f.dims !== 1;
    startSel.value = String(state.start); lrSel.value = String(state.lr); optSel.value = String(state.opt);
    Array.prototype.forEach.call(svg.querySelectorAll("g.still"), function (g) {
      if (+g.getAttribute("data-fn") === state.fn) { g.removeAttribute("hidden"); }
      else { g.setAttribute("hidden", ""); }  // an SVG element has no .hidden property
    });
    caption.textContent = "f(" + f.vars.join(", ") + ") = " + f.expr + ". " + f.note;
    svg.setAttribute("data-dims", String(f.dims));
  }

  function trailPath(f, run, k) {
    var d = [];
    for (var i = 0; i <= k && i < run.p.length; i++) {
      var p = run.p[i], y = f.dims === 1 ? run.f[i] : p[1];
      if (y === null) { break; }
      d.push((i ? "L" : "M") + px(f, p[0]).toFixed(1) + "," + py(f, y).toFixed(1));
    }
    return d.join("");
  }

  function draw() {
    var f = formula(), k = state.k, opts = shownOptimizers(f);
    trails.textContent = ""; points.textContent = "";
    opts.forEach(function (o) {
      var run = runOf(f, o), i = Math.min(k, run.p.length - 1), colour = f.colors[o];
      while (i > 0 && f.dims === 1 && run.f[i] === null) { i--; }  // where f is undefined: the last point it had
      trails.appendChild(el("path", { "class": "trail", d: trailPath(f, run, i), stroke: colour,
                                      "data-optimizer": f.optimizers[o] }));
      for (var j = 0; j < i; j++) {  // the earlier iterates, small
        var q = run.p[j], qy = f.dims === 1 ? run.f[j] : q[1];
        points.appendChild(el("circle", { "class": "past", cx: px(f, q[0]).toFixed(1),
                                          cy: py(f, qy).toFixed(1), r: 3, fill: colour }));
      }
      var p = run.p[i], y = f.dims === 1 ? run.f[i] : p[1];
      points.appendChild(el("circle", { "class": "point", cx: px(f, p[0]).toFixed(2), cy: py(f, y).toFixed(2),
                                        r: 7, fill: colour, "data-optimizer": f.optimizers[o],
                                        "data-k": i, "data-x": p[0], "data-y": y }));
    });
    drawTangent(f, opts[0], k);
    describe(f, opts, k);
  }

  // The tangent at the current iterate: the line through (x, f(x)) with the slope backward() gave.
  function drawTangent(f, o, k) {
    var run = runOf(f, o), i = Math.min(k, run.p.length - 1), g = run.g[i];
    if (f.dims !== 1 || !g || g[0] === null) { tangent.setAttribute("visibility", "hidden"); return; }
    var x = run.p[i][0], y = run.f[i], half = (f.view[1] - f.view[0]) * 0.16;
    tangent.setAttribute("x1", px(f, x - half).toFixed(2)); tangent.setAttribute("y1", py(f, y - g[0] * half).toFixed(2));
    tangent.setAttribute("x2", px(f, x + half).toFixed(2)); tangent.setAttribute("y2", py(f, y + g[0] * half).toFixed(2));
    tangent.setAttribute("data-slope", String(g[0]));
    tangent.setAttribute("visibility", "visible");
  }

  function line(term, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term; dd.textContent = value;
    return [dt, dd];
  }

  function describe(f, opts, k) {
    var last = lastK(f);
    where.textContent = "iteration " + Math.min(k, last) + " of " + last;
    nextBtn.disabled = k >= last;
    readout.textContent = "";
    if (f.dims === 1) {
      var run = runOf(f, opts[0]), i = Math.min(k, run.p.length - 1), x = run.p[i][0], g = run.g[i];
      var s = run.s[i], dl = document.createElement("dl"), name = f.optimizers[opts[0]];
      var v = f.vars[0], fv = "f(" + v + ")", dv = "f\u2032(" + v + ")";  // x, or y for a formula in y
      var rows = [["iteration", String(i)], [v, fmt(x)], [fv, fmt(run.f[i])],
                  [dv + ", the tangent's slope", g ? fmt(g[0]) : "\u2014"]];
      if (s) {
        var way = s[0] < 0 ? "left" : s[0] > 0 ? "right" : "nowhere";
        var why = g && g[0] > 0 ? "f\u2032 > 0: downhill is to the left" :
                  g && g[0] < 0 ? "f\u2032 < 0: downhill is to the right" : "f\u2032 = 0";
        rows.push(["which way", why + (s[0] * (g ? g[0] : 0) > 0 ? "; momentum carries it " + way : "")]);
        rows.push([name === "sgd" ? "step = \u2212lr \u00b7 " + dv : "step (" + name + ")", signed(s[0])]);
        rows.push(["next " + v, fmt(x + s[0])]);
      }
      rows.forEach(function (r) { line(r[0], r[1]).forEach(function (e) { dl.appendChild(e); }); });
      dl.setAttribute("data-k", String(i));
      readout.appendChild(dl);
      setVerdict(run, i);
    } else {
      var table = document.createElement("table"), head = document.createElement("tr");
      ["optimizer", "(x, y)", "f"].forEach(function (t) {
        var th = document.createElement("th"); th.textContent = t; head.appendChild(th);
      });
      table.appendChild(head);
      var bad = [], lowest = null;
      opts.forEach(function (o) {
        var run = runOf(f, o), i = Math.min(k, run.p.length - 1), p = run.p[i], tr = document.createElement("tr");
        var cells = [f.optimizers[o], "(" + fmt(p[0]) + ", " + fmt(p[1]) + ")", fmt(run.f[i])];
        cells.forEach(function (t, c) {
          var td = document.createElement("td");
          if (c === 0) { var key = document.createElement("span"); key.className = "key";
                         key.style.background = f.colors[o]; td.appendChild(key); }
          td.appendChild(document.createTextNode(t));
          tr.appendChild(td);
        });
        tr.setAttribute("data-optimizer", f.optimizers[o]); tr.setAttribute("data-kind", run.kind);
        table.appendChild(tr);
        if (reached(run, k) && run.kind !== "steps") {  // "after N iterations": the row says it already
          var says = document.createElement("tr"), td = document.createElement("td");
          td.colSpan = 3; td.textContent = run.verdict; says.className = "says"; says.setAttribute("data-kind", run.kind);
          says.appendChild(td); table.appendChild(says);
          if (run.kind === "diverged") { bad.push(o); }
        }
        var still = run.kind !== "diverged" && run.kind !== "unbounded" && run.kind !== "left";
        if (still && fAt(f, o, k) !== null && (lowest === null || fAt(f, o, k) < fAt(f, lowest, k))) { lowest = o; }
      });
      readout.appendChild(table);
      verdict.className = "verdict" + (bad.length ? " bad" : "");
      if (bad.length) {
        verdict.textContent = bad.map(function (o) { return f.optimizers[o]; }).join(", ") +
          (bad.length > 1 ? " diverge" : " diverges") + " at this learning rate: " +
          runOf(f, bad[0]).verdict.replace(/^Diverges: /, "");
      } else if (k >= last && lowest !== null) {
        verdict.textContent = "After " + last + " iterations the lowest f is " + f.optimizers[lowest] + "'s, " +
          fmt(fAt(f, lowest, k)) + ".";
      } else {
        verdict.textContent = "Iteration " + k + " of " + last +
          ": every optimizer from the same start at the same learning rate. Press Next iteration or Play.";
      }
    }
  }

  function fAt(f, o, k) { var run = runOf(f, o); return run.f[Math.min(k, run.p.length - 1)]; }

  // Whether the student has stepped to where a run's fate shows (its verdict's iteration, or its end).
  function reached(run, k) { return run.at >= 0 ? k >= run.at : k >= run.p.length - 1; }

  function setVerdict(run, i) {
    if (!reached(run, i)) {
      verdict.className = "verdict"; verdict.removeAttribute("data-kind");
      verdict.textContent = "Iteration " + i + " of " + (run.p.length - 1) +
        ": press Next iteration (or Play) to see where it goes.";
      return;
    }
    verdict.className = "verdict" + (run.kind === "diverged" || run.kind === "undefined" ? " bad" : "");
    verdict.setAttribute("data-kind", run.kind);
    verdict.textContent = run.verdict;
  }

  function pause() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
    playBtn.textContent = "\u25B6 Play"; playBtn.setAttribute("aria-pressed", "false");
  }
  function step(k) { state.k = Math.max(0, Math.min(lastK(formula()), k)); draw(); }
  function play() {
    if (timer !== null) { pause(); return; }
    if (state.k >= lastK(formula())) { step(0); }
    playBtn.textContent = "|| Pause"; playBtn.setAttribute("aria-pressed", "true");
    timer = window.setInterval(function () {
      step(state.k + 1);
      if (state.k >= lastK(formula())) { pause(); }
    }, data.delay);
  }

  function choose(fresh) {
    pause();
    if (fresh) {
      var c = formula().chosen;
      state.start = c[0]; state.lr = c[1]; state.opt = c[2];
      fillChoices();
    }
    step(0);
  }

  fnSel.addEventListener("change", function () { state.fn = +fnSel.value; choose(true); });
  startSel.addEventListener("change", function () { state.start = +startSel.value; choose(false); });
  lrSel.addEventListener("change", function () { state.lr = +lrSel.value; choose(false); });
  optSel.addEventListener("change", function () { state.opt = +optSel.value; choose(false); });
  nextBtn.addEventListener("click", function () { pause(); step(state.k + 1); });
  resetBtn.addEventListener("click", function () { pause(); step(0); });
  playBtn.addEventListener("click", play);
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
    var tag = e.target && e.target.tagName;
    if (tag === "SELECT" || tag === "BUTTON") { return; }
    if (e.key === "ArrowRight") { nextBtn.click(); }
    else if (e.key === "ArrowLeft") { pause(); step(state.k - 1); }
    else if (e.key === "Home") { resetBtn.click(); }
    else if (e.key === " ") { e.preventDefault(); play(); }
  });

  fnSel.value = "0";
  choose(true);
  byId("controls").hidden = false;
  byId("choices").hidden = false;
})();
