// The officer's forms, progressively enhanced (no inline scripts: the CSP forbids them):
// - the error summary at the top of a refused form takes the focus, so a screen reader reads it
//   and a keyboard starts from its links;
// - a ₹ field echoes the amount in lakh and crore as it is typed ("= ₹1.5 crore"), read the
//   same way as the server reads it (procurement/forms.py, parse_rupees), exactly, with BigInt.
(function () {
  "use strict";
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  const PATTERN = /^(?:₹|rs\.?|inr)?\s*(\d+(?:,\d+)*(?:\.\d*)?|\.\d+)\s*(lakhs?|lacs?|crores?)?$/i;
  const UNITS = [
    [10n ** 12n, "lakh crore"],
    [10n ** 7n, "crore"],
    [10n ** 5n, "lakh"],
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
    let scale = fraction.length;
    let n = BigInt((whole || "0") + fraction);
    const unit = (match[2] || "").toLowerCase();
    if (unit.startsWith("crore")) n *= 10n ** 7n;
    else if (unit) n *= 10n ** 5n;
    return { n: n, scale: scale };
  }

  // n / (10^scale × size), rounded half up to two places; a whole number without places, and
  // in lakh or crore ("1.5 crore") trailing zeros dropped, in rupees both places ("50,000.50").
  function reading(amount, size, trim) {
    const divisor = 10n ** BigInt(amount.scale) * size;
    let hundredths = (amount.n * 100n) / divisor;
    if (((amount.n * 100n) % divisor) * 2n >= divisor) hundredths += 1n;
    const whole = groupIndian((hundredths / 100n).toString());
    let cents = (hundredths % 100n).toString().padStart(2, "0");
    if (cents === "00") cents = "";
    else if (trim) cents = cents.replace(/0$/, "");
    return cents ? whole + "." + cents : whole;
  }

  function echo(text) {
    const amount = parse(text);
    if (!amount) return "";
    const rupees = amount.n / 10n ** BigInt(amount.scale);
    for (const [size, unit] of UNITS) {
      if (rupees >= size) return "= ₹" + reading(amount, size, true) + " " + unit;
    }
    return "= ₹" + reading(amount, 1n, false);
  }

  document.querySelectorAll("input[data-rupees]").forEach(function (input) {
    const target = document.getElementById(input.id + "_echo");
    if (!target) return;
    input.addEventListener("input", function () {
      target.textContent = echo(input.value);
    });
  });
})();
