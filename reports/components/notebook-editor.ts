/**
 * The notebook's editors: CodeMirror 6, the editor of VS Code's web cousins,
 * loaded from node_modules through the offline resolver (src/offline/).
 *
 * SQL cells get highlighting, bracket matching and closing, completion of
 * keywords, functions, tables and columns (with their types and meanings from
 * the catalogue; `activity.` offers activity's columns), search and replace
 * (Ctrl/⌘+F), Tab to indent (Esc then Tab leaves the editor, as CodeMirror
 * documents for keyboard users), and long lines that wrap. Markdown cells get
 * the same editor without the SQL.
 *
 * Keys (the page documents them): Ctrl/⌘+Enter runs the cell, Shift+Enter runs
 * it and moves to the next, Ctrl/⌘+Space opens the completions.
 */
import {autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type Completion} from "npm:@codemirror/autocomplete";
import {defaultKeymap, history, historyKeymap, indentWithTab} from "npm:@codemirror/commands";
import {sql, PostgreSQL, type SQLNamespace} from "npm:@codemirror/lang-sql";
import {bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting} from "npm:@codemirror/language";
import {highlightSelectionMatches, searchKeymap} from "npm:@codemirror/search";
import {Compartment, EditorState, Prec, type Extension} from "npm:@codemirror/state";
import {EditorView, drawSelection, keymap, placeholder} from "npm:@codemirror/view";

/** A table the completion knows: its columns with types and meanings. */
export interface SchemaTable {
  name: string;
  about?: string;
  columns: readonly {name: string; type: string; about?: string}[];
}

export interface EditorOptions {
  doc: string;
  language: "sql" | "markdown";
  label: string;
  placeholder?: string;
  /** Ctrl/⌘+Enter. */
  onRun(): void;
  /** Shift+Enter. */
  onRunNext(): void;
  onChange(text: string): void;
  onFocus?(): void;
}

export interface Editor {
  view: EditorView;
  readonly value: string;
  setValue(text: string): void;
  /** Types text where the caret is (or over the selection). */
  insert(text: string): void;
  /** Gives completion the tables and columns there are now. */
  setSchema(tables: readonly SchemaTable[]): void;
  focus(): void;
}

/** The completion namespace for lang-sql: each table with its columns, each with its type and meaning. */
export function sqlNamespace(tables: readonly SchemaTable[]): SQLNamespace {
  const namespace: {[name: string]: SQLNamespace} = {};
  for (const table of tables) {
    const self: Completion = {label: table.name, type: "type", detail: "table", info: table.about};
    const children: Completion[] = table.columns.map((c) => ({label: c.name, type: "property", detail: c.type, info: c.about}));
    namespace[table.name] = {self, children};
  }
  return namespace;
}

const theme = EditorView.theme({
  "&": {fontSize: "0.85rem", border: "1px solid var(--theme-foreground-faintest)", borderRadius: "4px", backgroundColor: "var(--theme-background)", color: "var(--theme-foreground)"},
  "&.cm-focused": {outline: "1px solid var(--theme-foreground-focus)"},
  ".cm-scroller": {fontFamily: "var(--monospace)", lineHeight: "1.45", maxHeight: "24em", overflow: "auto"},
  ".cm-content": {padding: "0.4rem 0", minHeight: "3.6em", caretColor: "var(--theme-foreground)"},
  ".cm-line": {padding: "0 0.5rem"},
  ".cm-cursor": {borderLeftColor: "var(--theme-foreground)"},
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {backgroundColor: "color-mix(in srgb, var(--theme-foreground-focus) 25%, transparent) !important"},
  ".cm-matchingBracket": {backgroundColor: "color-mix(in srgb, var(--theme-foreground-focus) 25%, transparent)", outline: "none"},
  ".cm-placeholder": {color: "var(--theme-foreground-muted)"},
  ".cm-tooltip": {backgroundColor: "var(--theme-background-alt)", color: "var(--theme-foreground)", border: "1px solid var(--theme-foreground-faint)"},
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": {backgroundColor: "var(--theme-foreground-focus)", color: "var(--theme-background)"},
  ".cm-completionDetail": {fontStyle: "normal", color: "inherit", opacity: "0.7", marginLeft: "0.75em"},
  ".cm-completionInfo": {maxWidth: "20rem", fontFamily: "var(--sans-serif)", whiteSpace: "normal"},
  ".cm-panels": {backgroundColor: "var(--theme-background-alt)", color: "var(--theme-foreground)"},
  ".cm-panel.cm-search": {fontFamily: "var(--sans-serif)", fontSize: "0.8rem"},
  ".cm-panel.cm-search input, .cm-panel.cm-search button": {fontSize: "0.8rem"},
  ".cm-searchMatch": {backgroundColor: "color-mix(in srgb, var(--theme-yellow, #efb118) 40%, transparent)"}
});

// SQL words and strings in the theme's own colours, so light and dark both read well.
import {HighlightStyle} from "npm:@codemirror/language";
import {tags} from "npm:@lezer/highlight";
const colours = HighlightStyle.define([
  {tag: tags.keyword, color: "var(--theme-blue, #4269d0)", fontWeight: "600"},
  {tag: [tags.string, tags.special(tags.string)], color: "var(--theme-green, #3ca951)"},
  {tag: [tags.number, tags.bool, tags.null], color: "var(--theme-orange, #efb118)"},
  {tag: tags.comment, color: "var(--theme-foreground-muted)", fontStyle: "italic"},
  {tag: [tags.typeName, tags.standard(tags.name)], color: "var(--theme-purple, #a463f2)"},
  {tag: tags.heading, fontWeight: "700"},
  {tag: tags.emphasis, fontStyle: "italic"},
  {tag: tags.strong, fontWeight: "700"}
]);

/** A CodeMirror editor for a cell. */
export function cellEditor(options: EditorOptions): Editor {
  const language = new Compartment();
  const schema = (tables: readonly SchemaTable[]): Extension =>
    options.language === "sql" ? sql({dialect: PostgreSQL, upperCaseKeywords: true, schema: sqlNamespace(tables)}) : [];
  const runKeys = Prec.highest(
    keymap.of([
      {key: "Mod-Enter", run: () => (options.onRun(), true)},
      {key: "Shift-Enter", run: () => (options.onRunNext(), true)}
    ])
  );
  const view = new EditorView({
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        runKeys,
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({icons: false}),
        highlightSelectionMatches(),
        syntaxHighlighting(colours),
        syntaxHighlighting(defaultHighlightStyle, {fallback: true}),
        EditorView.lineWrapping,
        EditorState.tabSize.of(2),
        placeholder(options.placeholder ?? ""),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        language.of(schema([])),
        theme,
        EditorView.contentAttributes.of({"aria-label": options.label, spellcheck: options.language === "markdown" ? "true" : "false", autocapitalize: "off"}),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
          if (update.focusChanged && update.view.hasFocus) options.onFocus?.();
        })
      ]
    })
  });
  return {
    view,
    get value() {
      return view.state.doc.toString();
    },
    setValue(text) {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
    },
    insert(text) {
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
    },
    setSchema(tables) {
      view.dispatch({effects: language.reconfigure(schema(tables))});
    },
    focus() {
      view.focus();
    }
  };
}
