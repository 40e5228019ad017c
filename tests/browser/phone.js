// What a 360 px phone screen shows wrong on the current page (run by test_phone_layout.py).
// Returns {overflow: [...], scrolling: [...], small: [...]}: descriptions of the offenders.
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const style = (el) => getComputedStyle(el);
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && el.checkVisibility({visibilityProperty: true});
  };
  const name = (el) => {
    const classes = [...el.classList].map((c) => "." + c).join("");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} "${text.slice(0, 40)}"`;
  };
  const size = (box) => `${Math.round(box.width)}×${Math.round(box.height)}`;

  // Horizontal overflow: the page is wider than the screen; name the innermost boxes that stick out.
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== root; up = up.parentElement) {
      if (style(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    return shown(el) && (box.right > width + 0.5 || box.left < -0.5) && !clipped(el);
  };
  const overflow = [];
  if (root.scrollWidth > width) {
    const out = [...document.body.querySelectorAll("*")].filter(sticksOut);
    const innermost = out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
    overflow.push(`page ${root.scrollWidth} px wide for ${width}`);
    for (const el of innermost.slice(0, 6)) {
      const box = el.getBoundingClientRect();
      overflow.push(`${name(el)} from ${Math.round(box.left)} to ${Math.round(box.right)}`);
    }
  }

  // Boxes of their own that scroll sideways (a table in a scrolling wrapper, say).
  const scrolling = [...document.body.querySelectorAll("*")]
    .filter((el) => shown(el) && ["auto", "scroll"].includes(style(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${name(el)} scrolls: ${el.scrollWidth} px in ${el.clientWidth}`);

  // Tap targets: what a finger activates. A checkbox or radio button is activated through its
  // label too, so the label that holds it is measured. Excepted, as WCAG 2.5.5 allows: a target
  // whose line also holds text that is not a target (a link in a sentence: its size is the
  // line's), and hidden targets (nothing to tap).
  const TARGETS = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])";
  const targets = [...document.querySelectorAll(TARGETS)];
  const inlineDisplay = (el) => style(el).display.startsWith("inline") || style(el).display === "contents";
  const blockOf = (el) => {
    let up = el.parentElement;
    while (up && inlineDisplay(up)) up = up.parentElement;
    return up;
  };
  const inText = (el) => {
    if (style(el).display !== "inline") return false;
    const block = blockOf(el);
    let text = block.innerText || "";
    for (const other of block.querySelectorAll(TARGETS)) text = text.replace(other.innerText || "", " ");
    return /[\p{L}\p{N}]/u.test(text);
  };
  const small = [];
  for (const el of targets) {
    let target = el;
    if (el.matches("input[type=checkbox], input[type=radio]") && el.closest("label")) target = el.closest("label");
    if (!shown(target) || inText(el)) continue;
    const box = target.getBoundingClientRect();
    if (box.width < 43.5 || box.height < 43.5) small.push(`${name(el)} ${size(box)}`);
  }
  return {overflow, scrolling, small};
}
