// The officer's forms, progressively enhanced (no inline scripts: the CSP forbids them):
// - the error summary at the top of a refused form takes the focus, so a screen reader reads it
//   and a keyboard starts from its links; each link puts the focus in its field;
// - a ₹ field echoes the amount in lakh and crore as it is typed ("= ₹1.5 crore"), read the
//   same way as the server reads it (procurement/forms.py, parse_rupees), exactly, with BigInt.
(function () {
  "use strict";
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    // A link of the summary puts the focus in its field, not only the page at it.
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  }

  const PATTERN = /^(?:₹|rs\.?|inr)?\s*(\d+(?:,\d+)*(?:\.\d*)?|\.\d+)\s*(lakhs?|lacs?|crores?)?$/i;
  const UNITS = [
    [1n, ""],
    [10n ** 5n, " lakh"],
    [10n ** 7n, " crore"],
    [10n ** 12n, " lakh crore"],
  ];

  function groupIndian(digits) {
    if (digits.length <= 3) return digits;
    let head = digits.slice(0, -3);
    const groups = [digits.slice(-3)];
    while (head.length > 2) {
      groups.unshift(head.slice(-2));
      head = head.slice(0, -2);
    }
    if (head) groups.unshift(head);
    return groups.join(",");
  }

  // An amount as [whole rupees and fraction digits] scaled to an integer: value = n / 10^scale.
  function parse(text) {
    const match = PATTERN.exec(text.trim());
    if (!match) return null;
    const [whole, fraction = ""] = match[1].replace(/,/g, "").split(".");
    const scale = fraction.length;
    let n = BigInt((whole || "0") + fraction);
    const unit = (match[2] || "").toLowerCase();
    if (unit.startsWith("crore")) n *= 10n ** 7n;
    else if (unit) n *= 10n ** 5n;
    return { n: n, scale: scale };
  }

  // The amount in units of `size`, in hundredths, rounded half up.
  function hundredths(amount, size) {
    const divisor = 10n ** BigInt(amount.scale) * size;
    const q = (amount.n * 100n) / divisor;
    return ((amount.n * 100n) % divisor) * 2n >= divisor ? q + 1n : q;
  }

  // A whole number without places; in lakh or crore trailing zeros dropped ("1.5 crore"), in
  // rupees both places ("50,000.50").
  function show(h, trim) {
    const whole = groupIndian((h / 100n).toString());
    let cents = (h % 100n).toString().padStart(2, "0");
    if (cents === "00") cents = "";
    else if (trim) cents = cents.replace(/0$/, "");
    return cents ? whole + "." + cents : whole;
  }

  // As procurement.engine.numbers.format_lakh_crore(amount, None) on the server: the largest
  // unit the amount reaches, or the next one when the rounding reaches it.
  function echo(text) {
    const amount = parse(text);
    if (!amount) return "";
    const rupees = amount.n / 10n ** BigInt(amount.scale);
    let step = 0;
    UNITS.forEach(function (unit, index) {
      if (rupees >= unit[0]) step = index;
    });
    let h = hundredths(amount, UNITS[step][0]);
    while (step + 1 < UNITS.length && h * UNITS[step][0] >= UNITS[step + 1][0] * 100n) {
      step += 1;
      h = hundredths(amount, UNITS[step][0]);
    }
    return "= ₹" + show(h, step > 0) + UNITS[step][1];
  }

  document.querySelectorAll("input[data-rupees]").forEach(function (input) {
    const target = document.getElementById(input.id + "_echo");
    if (!target) return;
    input.addEventListener("input", function () {
      target.textContent = echo(input.value);
    });
  });
})();
