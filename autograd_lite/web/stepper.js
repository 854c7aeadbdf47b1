// The backward-pass page: one state at a time, moved by the buttons, the keys and #step-k.
(function () {
  "use strict";
  var states = Array.prototype.slice.call(document.querySelectorAll("section.state"));
  var items = Array.prototype.slice.call(document.querySelectorAll("#steps li[data-step]"));
  var none = document.getElementById("no-steps");
  var where = document.getElementById("where");
  var buttons = {
    start: document.getElementById("start"), prev: document.getElementById("prev"),
    next: document.getElementById("next"), end: document.getElementById("end")
  };
  var last = states.length - 1;
  var shown = -1;

  function fromHash() {
    var m = /^#step-(\d+)$/.exec(window.location.hash);
    return m ? Math.min(parseInt(m[1], 10), last) : 0;
  }

  function centre(state) {
    // On a narrow screen the graph scrolls sideways: bring this step's node into view.
    var fig = state.querySelector("figure.graph");
    var node = state.querySelector("g.current");
    if (!fig || !node || fig.scrollWidth <= fig.clientWidth) { return; }
    var r = node.getBoundingClientRect(), f = fig.getBoundingClientRect();
    fig.scrollLeft += (r.left + r.width / 2) - (f.left + f.width / 2);
  }

  function show(k, updateHash) {
    k = Math.max(0, Math.min(last, k));
    shown = k;
    states.forEach(function (s, i) { s.hidden = i !== k; });
    items.forEach(function (li) {
      var step = parseInt(li.getAttribute("data-step"), 10);
      li.hidden = step > k;
      if (step === k) { li.setAttribute("aria-current", "step"); }
      else { li.removeAttribute("aria-current"); }
    });
    if (none) { none.hidden = k !== 0; }
    where.textContent = k === 0 ? "Start: step 0 of " + last : "Step " + k + " of " + last;
    buttons.start.disabled = buttons.prev.disabled = k === 0;
    buttons.next.disabled = buttons.end.disabled = k === last;
    document.documentElement.setAttribute("data-step", String(k));
    centre(states[k]);
    if (updateHash) { shell.setHash("#step-" + k); }
  }

  buttons.start.addEventListener("click", function () { show(0, true); });
  buttons.prev.addEventListener("click", function () { show(shown - 1, true); });
  buttons.next.addEventListener("click", function () { show(shown + 1, true); });
  buttons.end.addEventListener("click", function () { show(last, true); });
  // In a srcdoc frame a link to #step-k would load the notebook's address: the page moves itself.
  document.getElementById("steps").addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a[href^='#step-']") : null;
    if (!shell.srcdoc || !link) { return; }
    e.preventDefault();
    show(parseInt(link.getAttribute("href").slice(6), 10), true);
  });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) { return; }
    var moves = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };
    if (e.key in moves) { show(shown + moves[e.key], true); }
    else if (e.key === "Home") { show(0, true); }
    else if (e.key === "End") { show(last, true); }
    else { return; }
    e.preventDefault();
  });
  window.addEventListener("hashchange", function () { show(fromHash(), false); });
  // In a frame the forward pass starts folded: the buttons, graph and chain rule fit one screen.
  var forward = document.querySelector("details.forward");
  if (shell.framed && forward) { forward.open = false; }
  document.getElementById("controls").hidden = false;
  show(fromHash(), false);
})();
