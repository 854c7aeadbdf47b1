// The training replay: one recorded epoch at a time, by the slider, Play / Pause, keys and #epoch-k.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("replay-data").textContent);
  var frames = data.frames, last = frames.length - 1, shown = last;
  var slider = document.getElementById("slider");
  var play = document.getElementById("play");
  var image = document.getElementById("frame");
  function byId(id) { return document.getElementById(id); }
  var readout = { epoch: byId("r-epoch"), loss: byId("r-loss"), acc: byId("r-acc"),
                  val_loss: byId("r-val_loss"), val_acc: byId("r-val_acc") };

  // Inside the network (a page made for an MLP or a Sequential): the drawing, the neuron shown large,
  // the weight being inspected and the backward pass's step. Every number comes from Python.
  var net = data.neurons ? data : null;
  var selected = null, pinned = null, hovered = null, bpStep = 0;
  var bigLabel = byId("showing"), toOutput = byId("to-output"), inspect = byId("inspect");

  function parseHash() {
    var out = {}, parts = window.location.hash.replace(/^#/, "").split("&");
    parts.forEach(function (p) {
      var m = /^epoch[-=](\d+)$/i.exec(p);
      if (m) { out.epoch = parseInt(m[1], 10); return; }
      m = /^(neuron|step)=([0-9.]+)$/.exec(p);
      if (m) { out[m[1]] = m[2]; }
    });
    return out;
  }

  function hashOf(i) {
    var h = "#epoch-" + frames[i].epoch;
    if (selected !== null) { h += "&neuron=" + selected; }
    if (bpStep > 0) { h += "&step=" + bpStep; }
    return h;
  }

  function fromHash() {
    var want = parseHash().epoch, best = 0;
    if (want === undefined) { return last; }
    frames.forEach(function (f, i) {
      if (Math.abs(f.epoch - want) < Math.abs(frames[best].epoch - want)) { best = i; }
    });
    return best;
  }

  // A line packed by nn.network_view.pack: text, or [template, the numbers that change by epoch].
  function unpack(lines) {
    return lines.map(function (line) {
      if (typeof line === "string") { return line; }
      var parts = net.templates[line[0]].split("\u0001"), text = parts[0];
      for (var k = 1; k < parts.length; k++) { text += line[k] + parts[k]; }
      return text;
    });
  }

  function weightStyle(el, w) {
    if (w === null || w === undefined) { el.setAttribute("stroke-width", "0.6"); return; }
    var a = Math.min(Math.abs(w) / net.top, 1);
    var colour = w >= 0 ? net.positive : net.negative;
    if (el.tagName === "rect") {
      var r = 2.5 + 4.5 * a;
      el.setAttribute("width", (2 * r).toFixed(1)); el.setAttribute("height", (2 * r).toFixed(1));
      el.setAttribute("fill", colour);
    } else {
      el.setAttribute("stroke-width", (0.6 + (net.widest - 0.6) * a).toFixed(2)); el.setAttribute("stroke", colour);
    }
  }

  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (cls) { el.className = cls; }
    parent.appendChild(el);
    return el;
  }

  function fillInspector(i, target) {
    var f = frames[shown];
    inspect.textContent = "";
    var head = add(inspect, "p", net.labels[i], "name");
    add(head, "span", ": " + net.about[i] + " (" + net.names[i] + ")", "about");
    var kind = target.tagName === "rect" ? "b" : "w";
    var grad = f.g ? f.g[i] : "\u2014";
    var when = f.epoch === 0 ? "before training: " : "after epoch " + f.epoch + ": ";
    var numbers = add(inspect, "p", null, "numbers");
    add(numbers, "span", when, "when");
    add(numbers, "span", kind + " = " + minus(f.w[i] === null ? "nan" : String(f.w[i])) + ",  grad = " +
      minus(grad));
    if (f.st && f.st[i]) {
      var state = add(inspect, "p", null, "state");
      add(state, "b", "optimizer state: ");
      var parts = [];
      f.st[i].forEach(function (v, k) { if (v !== "") { parts.push(net.stateKeys[k] + " = " + minus(v)); } });
      add(state, "span", parts.join(",  "));
    }
    if (f.ex && f.ex[i]) {
      var head = add(inspect, "p", "Epoch " + f.epoch + "'s last step (" + net.optimizer + "):", "rule-head");
      add(head, "b", net.rule);
      add(inspect, "pre", unpack(f.ex[i].map(function (k) { return f.exl[k]; })).join("\n"), "rule");
    } else if (f.epoch !== 0) {
      add(inspect, "p", net.exEvery > 1 ? "(this page keeps the optimizer's step every " + net.exEvery +
        " frames: move the slider to one of those)" : "(this epoch's optimizer step was not recorded)", "when");
    }
  }

  // Below the pointer (or the weight's middle), kept inside the network's figure.
  // Beside the pointer (right of it, or left where the screen has no room), kept on the screen; on a
  // narrow screen under the drawing, so it never covers the weights a finger taps next.
  function placeInspector(target, at) {
    inspect.hidden = false;
    if (window.innerWidth < 640) { inspect.style.left = ""; inspect.style.top = ""; return; }
    var r = target.getBoundingClientRect();
    var x = at ? at.x : r.left + r.width / 2, y = at ? at.y : r.top + r.height / 2;
    var w = inspect.offsetWidth, h = inspect.offsetHeight, room = window.innerWidth - 8;
    var left, top;
    if (x + 24 + w <= room || x - 24 - w >= 8) {  // beside the pointer
      left = x + 24 + w <= room ? x + 24 : x - 24 - w;
      top = Math.max(8, Math.min(y - h / 3, window.innerHeight - h - 8));
    } else {  // too wide for either side: below the pointer, or above it
      left = Math.max(8, Math.min(x - w / 2, room - w));
      top = y + 24 + h <= window.innerHeight - 8 ? y + 24 : Math.max(8, y - 24 - h);
    }
    inspect.style.left = left + "px";
    inspect.style.top = top + "px";
  }

  function minus(text) { return text.replace(/^-/, "\u2212"); }

  var lastAt = null;
  function inspectWeight(target, at) {
    if (!target) { inspect.hidden = true; return; }
    if (at) { lastAt = at; }
    fillInspector(parseInt(target.getAttribute("data-i"), 10), target);
    placeInspector(target, at || lastAt);
    Array.prototype.forEach.call(document.querySelectorAll(".inspected"), function (el) {
      el.classList.remove("inspected");
    });
    target.classList.add("inspected");
  }

  function showBig(f) {
    var k = selected === null ? -1 : net.mapped.indexOf(selected);
    var maps = net.maps && f.maps;
    if (k >= 0 && maps) {
      image.setAttribute("href", f.maps[k]);
      bigLabel.textContent = "Neuron " + selected + " (" + net.activations[net.neurons.indexOf(selected)] +
        "): its output over the plane";
      byId("scale").hidden = false;
      byId("scale-text").textContent = "\u2212" + net.scales[k] + "   0   +" + net.scales[k];
      toOutput.hidden = false;
    } else {
      image.setAttribute("href", f.png);
      bigLabel.textContent = net.outputLabel;
      byId("scale").hidden = true;
      toOutput.hidden = true;
    }
    Array.prototype.forEach.call(document.querySelectorAll("g.node[data-neuron]"), function (g) {
      g.classList.toggle("selected", g.getAttribute("data-neuron") === (selected === null ?
        net.neurons[net.neurons.length - 1] : selected));
    });
  }

  function showNetwork(f) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-weight]"), function (el) {
      weightStyle(el, f.w[parseInt(el.getAttribute("data-i"), 10)]);
    });
    if (net.maps && f.maps) {
      net.mapped.forEach(function (key, k) {
        var img = document.querySelector('g.node[data-neuron="' + key + '"] image');
        if (img) { img.setAttribute("href", f.maps[k]); }
      });
    }
    var out = net.neurons[net.neurons.length - 1];
    var outImg = document.querySelector('g.node[data-neuron="' + out + '"] image');
    if (outImg && net.neurons.length - net.mapped.length === 1) { outImg.setAttribute("href", f.png); }
    showBig(f);
    var on = pinned || hovered;
    if (on) { inspectWeight(on); }
    showBackprop(f);
  }

  // A step's lines all begin "node = expression: "; write that once, the rest of each line under it.
  function shareHead(lines) {
    var at = lines[0].indexOf(": ");
    if (lines.length < 2 || at < 0) { return lines; }
    var head = lines[0].slice(0, at + 2);
    if (!lines.every(function (l) { return l.indexOf(head) === 0; })) { return lines; }
    return [head.slice(0, -2) + ":"].concat(lines.map(function (l) { return "  " + l.slice(head.length); }));
  }

  function showBackprop(f) {
    var bp = f.bp;
    byId("bp-none").hidden = !!bp;
    byId("bp-body").hidden = !bp;
    if (!bp) {
      byId("bp-epoch").textContent = "epoch " + f.epoch;
      return;
    }
    var n = bp.steps.length;
    bpStep = Math.max(0, Math.min(n, bpStep));
    byId("bp-epoch").textContent = f.epoch === 0 ? "epoch 0 (before training)" : "epoch " + f.epoch;
    var what = "example " + bp.example + ": ";
    what += net.features ? "(x1, x2) = (" + bp.point.join(", ") + ") \u2192 " + net.features.join(", ") +
      " = (" + bp.x.join(", ") + ")" : "x = (" + bp.x.join(", ") + ")";
    what += ", loss L = " + minus(bp.loss);
    if (bp.loss === "0") { what += ": past the margin, so every grad is 0 here"; }
    byId("bp-what").textContent = what;
    byId("bp-code-epoch").textContent = String(f.epoch);
    byId("bp-step").textContent = bpStep === 0 ? "start: L.grad = 1" : "step " + bpStep + " of " + n;
    byId("bp-prev").disabled = bpStep === 0;
    byId("bp-next").disabled = bpStep === n;
    var lines = bpStep === 0 ? ["L.grad = 1 (dL/dL). Next: each node passes its grad to its parents."] :
      unpack(bp.steps[bpStep - 1].lines);
    byId("bp-lines").textContent = shareHead(lines).join("\n");
    var on = bpStep === 0 ? null : bp.steps[bpStep - 1].on;
    Array.prototype.forEach.call(document.querySelectorAll("g.node[data-neuron]"), function (g) {
      g.classList.toggle("bp-on", on !== null && g.getAttribute("data-neuron") === on);
    });
  }

  function show(i, updateHash) {
    i = Math.max(0, Math.min(last, i));
    shown = i;
    var f = frames[i];
    if (net) { showNetwork(f); } else { image.setAttribute("href", f.png); }
    var line = byId("legend-boundary");  // named only while this frame draws a boundary (of the regions)
    var regions = !net || selected === null;
    if (line) { line.hidden = f.boundary === false || !regions; }
    if (byId("legend-sure")) { byId("legend-sure").hidden = !regions; }
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
    if (updateHash) { shell.setHash(hashOf(i)); }
  }

  var player = shell.player({ play: play, slider: slider, last: last, delay: data.delay, show: show,
                              current: function () { return shown; } });
  function applyHash() {
    if (!net) { return; }
    var h = parseHash();
    selected = h.neuron && net.mapped.indexOf(h.neuron) >= 0 ? h.neuron : null;
    bpStep = h.step ? parseInt(h.step, 10) : 0;
  }

  if (net) {
    Array.prototype.forEach.call(document.querySelectorAll("g.node[data-neuron]"), function (g) {
      function pick() {
        var key = g.getAttribute("data-neuron");
        selected = net.mapped.indexOf(key) >= 0 && selected !== key ? key : null;
        show(shown, true);
        if (window.innerWidth < 760 && selected !== null) {  // one column: the big map is below
          document.querySelector("figure.boundary").scrollIntoView({ block: "start" });
        }
      }
      g.addEventListener("click", pick);
      g.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); pick(); }
      });
    });
    toOutput.addEventListener("click", function () { selected = null; show(shown, true); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-weight]"), function (el) {
      el.addEventListener("mouseenter", function (e) {
        hovered = el;
        if (!pinned) { inspectWeight(el, { x: e.clientX, y: e.clientY }); }
      });
      el.addEventListener("mouseleave", function () {
        hovered = null;
        if (!pinned) { inspectWeight(null); el.classList.remove("inspected"); }
      });
      el.addEventListener("click", function (e) {
        e.stopPropagation();
        pinned = pinned === el ? null : el;
        inspectWeight(pinned || el, { x: e.clientX, y: e.clientY });
      });
    });
    document.addEventListener("click", function (e) {
      if (pinned && !inspect.contains(e.target)) {
        pinned.classList.remove("inspected"); pinned = null; inspectWeight(null);
      }
    });
    byId("bp-prev").addEventListener("click", function () { bpStep -= 1; show(shown, true); });
    byId("bp-next").addEventListener("click", function () { bpStep += 1; show(shown, true); });
  }
  window.addEventListener("hashchange", function () { player.pause(); applyHash(); show(fromHash(), false); });
  byId("controls").hidden = false;
  applyHash();
  show(fromHash(), false);
})();
