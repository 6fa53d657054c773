// Writes plotly.js's own CSS rules to a static file, so pages keep a strict CSP (no inline
// styles): plotly.js skips injecting them when it finds an element with the id
// "plotly.js-style-global" and the class "no-inline-styles" (base.html links this file so).
// Usage: node scripts/extract-plotly-css.js static/vendor/plotly/plotly-basic.min.js > static/vendor/plotly/plotly.css
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
const anchor = source.indexOf('"X .modebar-btn"');
if (anchor < 0) throw new Error("plotly.js's CSS rules were not found: has the bundle changed?");
const start = source.lastIndexOf("={", anchor) + 1;
let depth = 0;
let end = start;
for (let i = start; i < source.length; i++) {
  if (source[i] === "{") depth++;
  else if (source[i] === "}" && --depth === 0) { end = i + 1; break; }
}
// A plain object literal (quoted keys, string values): evaluated in an empty context.
const rules = require("vm").runInNewContext(`(${source.slice(start, end)})`, {});
const lines = [`/* plotly.js CSS rules, extracted from ${process.argv[2].split("/").pop()} by scripts/extract-plotly-css.js */`];
for (const [selector, style] of Object.entries(rules)) {
  const full = selector.replace(/^,/, " ,").replace(/X/g, ".js-plotly-plot .plotly").replace(/Y/g, ".plotly-notifier");
  lines.push(`${full} { ${style} }`);
}
process.stdout.write(lines.join("\n") + "\n");
