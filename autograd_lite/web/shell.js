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

  return { framed: framed, srcdoc: srcdoc, setHash: setHash };
})();
