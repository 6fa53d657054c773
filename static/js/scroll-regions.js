// A box that scrolls (a wide table on a phone, a long listing) must be reachable from the
// keyboard, or its hidden part cannot be read without a mouse (WCAG 2.1.1). Every such box that
// overflows now becomes a focusable region named after its table's caption, or else after the
// heading above it; a box that fits is left out of the tab order. Checked again on resize.
(function () {
  "use strict";
  const BOXES = ".table-responsive, pre";
  const headings = Array.from(document.querySelectorAll("main h1, main h2, main h3, main h4"));

  function nameOf(box) {
    const caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const before = headings.filter(function (heading) {
      return heading.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    const heading = before[before.length - 1];
    return heading ? heading.textContent.trim().replace(/\s+/g, " ") : "Scrollable content";
  }

  function mark() {
    document.querySelectorAll(BOXES).forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box) + " (scrolls)");
        box.dataset.scrollRegion = "";
      } else if (!scrolls && "scrollRegion" in box.dataset) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (attribute) {
          box.removeAttribute(attribute);
        });
      }
    });
  }

  let pending = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
  mark();
})();
