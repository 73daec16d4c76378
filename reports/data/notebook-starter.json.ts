// The Explore starter notebook's Markdown cells, rendered as the notebook renders them in the browser (the same
// markdown-it from node_modules, the same options): {source: html}. The page shows them without fetching
// markdown-it (50 kB compressed with its entity tables); text a reader writes or opens is rendered in the browser.
import MarkdownIt from "markdown-it";
import {markdownOptions, starter} from "../components/notebook-starter.js";

const md = new MarkdownIt(markdownOptions);
const rendered = Object.fromEntries(starter.cells.filter((c) => c.kind === "md").map((c) => [c.source, md.render(c.source)]));
process.stdout.write(JSON.stringify(rendered));
