#!/usr/bin/env node
// Formats a CSL-JSON file with a CSL style using citeproc-js, one bibliography entry per line.
// Development-time reference for awesome-bib's own output; never a runtime dependency.
//
// usage: node format.js STYLE.csl ITEMS.json LOCALES_DIR [text|html]
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

function main(argv) {
  if (argv.length < 3) {
    process.stderr.write("usage: node format.js STYLE.csl ITEMS.json LOCALES_DIR [text|html]\n");
    return 2;
  }
  const [stylePath, itemsPath, localesDir, format = "text"] = argv;
  const style = fs.readFileSync(stylePath, "utf8");
  const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
  const byId = new Map(items.map((item) => [String(item.id), item]));
  const sys = {
    retrieveLocale: (lang) => {
      const file = path.join(localesDir, `locales-${lang}.xml`);
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : false;
    },
    retrieveItem: (id) => byId.get(String(id)),
  };
  const engine = new CSL.Engine(sys, style);
  engine.setOutputFormat(format);
  engine.updateItems(items.map((item) => String(item.id)));
  const [, entries] = engine.makeBibliography();
  // One entry per line: an entry's own line breaks (display blocks) become spaces.
  for (const entry of entries) {
    process.stdout.write(entry.replace(/\s*\n\s*/g, " ").trim() + "\n");
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
