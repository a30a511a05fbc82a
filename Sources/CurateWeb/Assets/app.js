// curate review: the web workbench's page logic (plain JavaScript, no dependencies, served from the binary).
"use strict";

// ---------------------------------------------------------------- small helpers

/** Builds an element; strings and numbers become text nodes (never HTML), arrays are flattened, null is skipped. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  const add = (child) => {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(add);
    else el.append(child instanceof Node ? child : String(child));
  };
  children.forEach(add);
  return el;
}

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

function timeAgo(iso) {
  if (!iso) return "";
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function when(iso) {
  return iso ? h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, timeAgo(iso)) : "";
}

const shortHash = (hash) => (hash || "").slice(0, 10);

/** The task page's path for an id `dataset/source…` (the source part may itself hold slashes). */
function taskPath(id) {
  const slash = id.indexOf("/");
  return `/tasks/${encodeURIComponent(id.slice(0, slash))}/${encodeURIComponent(id.slice(slash + 1))}`;
}
const apiTaskPath = (id) => "/api" + taskPath(id);

function taskLink(id) {
  return h("a", { href: taskPath(id), class: "task-link" }, id);
}

function statusPill(status) {
  const value = status || "unreviewed";
  return h("span", { class: `pill status-${value}` }, value);
}

/** A flag as a chip: a code (queue) or a flag of the task page (severity, dismissed). */
function flagChip(flag) {
  if (typeof flag === "string") return h("span", { class: `chip flag sev-${flag.startsWith("validate/") ? "error" : "warning"}` }, flag);
  return h("span", { class: `chip flag sev-${flag.severity}${flag.dismissed ? " flag-dismissed" : ""}`, title: flag.message }, flag.code);
}

// ---------------------------------------------------------------- session: token and editor

const session = {
  get token() { return localStorage.getItem("curate-review-token") || ""; },
  set token(value) { localStorage.setItem("curate-review-token", value); },
  get editor() { return localStorage.getItem("curate-review-editor") || ""; },
  set editor(value) { localStorage.setItem("curate-review-editor", value); },
};

/** Takes `?token=` from the address (the URL the server printed) into storage, then removes it from the address bar. */
function adoptTokenFromURL() {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (!token) return;
  session.token = token;
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + (url.search === "?" ? "" : url.search) + url.hash);
}

function showEditor() {
  $("#editor-button").textContent = "editor: " + (session.editor || "?");
}

/** Resolves with the editor's name, asking once per browser. */
function requireEditor() {
  if (session.editor) return Promise.resolve(session.editor);
  return askEditor();
}

function askEditor() {
  const dialog = $("#editor-dialog");
  $("#editor-input").value = session.editor;
  return new Promise((resolve) => {
    const done = () => {
      const name = $("#editor-input").value.trim();
      if (!name) { dialog.showModal(); return; }
      session.editor = name;
      showEditor();
      dialog.removeEventListener("close", done);
      resolve(name);
    };
    dialog.addEventListener("close", done);
    dialog.showModal();
    $("#editor-input").focus();
  });
}

function askToken() {
  const dialog = $("#token-dialog");
  if (dialog.open) return;
  $("#token-input").value = "";
  dialog.addEventListener("close", () => {
    const token = $("#token-input").value.trim();
    if (token) { session.token = token; location.reload(); }
  }, { once: true });
  dialog.showModal();
}

// ---------------------------------------------------------------- API

class APIError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || `http-${status}`;
    this.details = error;
  }
}

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + session.token, "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
  let parsed = null;
  try { parsed = await response.json(); } catch (_) { parsed = null; }
  if (!response.ok) {
    if (response.status === 401) askToken();
    throw new APIError(response.status, parsed);
  }
  return parsed;
}

function banner(message, kind = "error") {
  const el = $("#banner");
  el.replaceChildren(h("span", {}, message), h("button", { type: "button", class: "close", title: "Dismiss", onclick: () => { el.hidden = true; } }, "×"));
  el.className = `banner ${kind}`;
  el.hidden = false;
}

// ---------------------------------------------------------------- line diff

/** Line diff by longest common subsequence: a list of {op: "same"|"del"|"add", a, b} with line texts. */
function diffLines(a, b) {
  const x = a === "" ? [] : a.split("\n"), y = b === "" ? [] : b.split("\n");
  const n = x.length, m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { ops.push({ op: "same", a: x[i], b: y[j], i: i + 1, j: j + 1 }); i++; j++; }
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { ops.push({ op: "add", b: y[j], j: j + 1 }); j++; }
    else { ops.push({ op: "del", a: x[i], i: i + 1 }); i++; }
  }
  return ops;
}

/** Rows of a side-by-side view: deletions and insertions of one change block are paired line by line. */
function sideBySideRows(ops) {
  const rows = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === "same") { rows.push({ left: ops[k], right: ops[k], changed: false }); k++; continue; }
    const dels = [], adds = [];
    while (k < ops.length && ops[k].op !== "same") { (ops[k].op === "del" ? dels : adds).push(ops[k]); k++; }
    for (let r = 0; r < Math.max(dels.length, adds.length); r++) rows.push({ left: dels[r] || null, right: adds[r] || null, changed: true });
  }
  return rows;
}

/** A line with the part that differs from `other` marked (common prefix and suffix left plain). */
function markedLine(text, other, cls) {
  if (other === null || other === undefined) return [text];
  let p = 0;
  while (p < text.length && p < other.length && text[p] === other[p]) p++;
  let s = 0;
  while (s < text.length - p && s < other.length - p && text[text.length - 1 - s] === other[other.length - 1 - s]) s++;
  return [text.slice(0, p), h("mark", { class: cls }, text.slice(p, text.length - s)), text.slice(text.length - s)];
}

/** A side-by-side table of two texts; unchanged runs longer than `context` lines are folded. */
function sideBySide(before, after, labels, context = 3) {
  const rows = sideBySideRows(diffLines(before, after));
  const table = h("table", { class: "diff" }, h("colgroup", {}, h("col", { class: "ln" }), h("col", {}), h("col", { class: "ln" }), h("col", {})),
    h("thead", {}, h("tr", {}, h("th", { colspan: 2 }, labels[0]), h("th", { colspan: 2 }, labels[1]))));
  const body = h("tbody");
  const identical = !rows.some((row) => row.changed);
  const near = rows.map((row, index) => identical || rows.slice(Math.max(0, index - context), index + context + 1).some((r) => r.changed));
  let folded = 0;
  const flushFold = () => {
    if (folded) body.append(h("tr", { class: "fold" }, h("td", { colspan: 4 }, `… ${folded} unchanged line${folded === 1 ? "" : "s"} …`)));
    folded = 0;
  };
  rows.forEach((row, index) => {
    if (!row.changed && !near[index]) { folded++; return; }
    flushFold();
    const left = row.left, right = row.right;
    const leftText = left ? (row.changed ? markedLine(left.a, right && right.b, "del") : [left.a]) : [""];
    const rightText = right ? (row.changed ? markedLine(right.b, left && left.a, "add") : [right.b]) : [""];
    body.append(h("tr", { class: row.changed ? "changed" : "" },
      h("td", { class: "ln" }, left ? left.i : ""), h("td", { class: left && row.changed ? "del" : left ? "" : "empty" }, leftText),
      h("td", { class: "ln" }, right ? right.j : ""), h("td", { class: right && row.changed ? "add" : right ? "" : "empty" }, rightText)));
  });
  flushFold();
  table.append(body);
  return table;
}

// ---------------------------------------------------------------- task content fields

const FIELDS = [
  { key: "description", label: "Description", kind: "text" },
  { key: "entryPoint", label: "Entry point", kind: "line" },
  { key: "solution", label: "Solution", kind: "code" },
  { key: "testSetup", label: "Test setup", kind: "code" },
  { key: "tests", label: "Tests", kind: "list" },
  { key: "challengeTests", label: "Challenge tests", kind: "list" },
];

const normalize = (text) => (text || "").replace(/\r\n?/g, "\n");

/** A field's value as one text, for diffs and comparisons. */
function fieldText(content, key) {
  const value = content[key];
  if (Array.isArray(value)) return value.map(normalize).join("\n");
  return normalize(value === null || value === undefined ? "" : value);
}

/** Side-by-side diffs of every field that differs between two contents. */
function contentDiff(before, after, labels) {
  const parts = [];
  for (const field of FIELDS) {
    const a = fieldText(before, field.key), b = fieldText(after, field.key);
    if (a === b) continue;
    parts.push(h("div", { class: "field-diff" }, h("h4", {}, field.label), sideBySide(a, b, labels)));
  }
  return parts.length ? parts : [h("p", { class: "muted" }, "No field differs.")];
}

// ---------------------------------------------------------------- queue page

const STATUSES = ["unreviewed", "approved", "needs-work", "excluded"];

async function queuePage() {
  document.title = "Queue · curate review";
  $("#nav-queue").classList.add("active");
  const params = new URLSearchParams(location.search);
  const filters = { dataset: params.get("dataset") || "", status: params.get("status") || "", flag: params.get("flag") || "", editor: params.get("editor") || "" };
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  const queue = await api("GET", "/api/queue" + (query ? "?" + query : ""));
  sessionStorage.setItem("curate-review-queue", JSON.stringify({ query, ids: queue.items.map((t) => t.id) }));

  const select = (name, values, labels) => h("select", { name, id: `filter-${name}` },
    values.map((v, i) => h("option", { value: v, selected: v === filters[name] ? true : null }, labels ? labels[i] : v)));
  const form = h("form", { class: "filters", id: "filters", method: "get", action: "/" },
    h("label", {}, "Dataset ", select("dataset", ["", ...queue.datasets], ["all", ...queue.datasets])),
    h("label", {}, "Status ", select("status", ["", ...STATUSES], ["any", ...STATUSES])),
    h("label", {}, "Flag ", h("input", { name: "flag", id: "filter-flag", value: filters.flag, list: "flag-codes", placeholder: "code or prefix, e.g. lint/", size: 24 })),
    h("datalist", { id: "flag-codes" }, queue.flagCodes.map((c) => h("option", { value: c }))),
    h("label", {}, "Editor ", h("input", { name: "editor", id: "filter-editor", value: filters.editor, list: "editor-names", placeholder: "who touched it", size: 12 })),
    h("datalist", { id: "editor-names" }, queue.editors.map((e) => h("option", { value: e }))),
    h("button", { type: "submit" }, "Filter"),
    query ? h("a", { href: "/", class: "reset" }, "clear") : null);
  form.addEventListener("change", (event) => { if (event.target.tagName === "SELECT") form.requestSubmit(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new URLSearchParams(Array.from(new FormData(form)).filter(([, v]) => v));
    location.href = "/" + (data.toString() ? "?" + data : "");
  });

  const done = queue.reviewed, total = queue.reviewed + queue.remaining;
  const counts = h("div", { class: "counts", id: "queue-counts" },
    h("progress", { value: done, max: Math.max(total, 1), title: `${done} of ${total} reviewed` }),
    h("span", {}, h("strong", { id: "count-reviewed" }, done), " reviewed · ", h("strong", { id: "count-remaining" }, queue.remaining), " remaining",
      " · ", h("strong", {}, queue.flagged), " flagged",
      ` · ${queue.items.length} shown`));

  const rows = queue.items.map((task, index) => h("tr", { dataset: { id: task.id, index }, class: "queue-row" },
    h("td", {}, taskLink(task.id)),
    h("td", {}, statusPill(task.status)),
    h("td", { class: "flags" }, task.conflict ? h("span", { class: "chip flag sev-error", title: "The raw record changed under an editor's revision" }, "edit conflict") : null,
      task.flags.map(flagChip)),
    h("td", { class: "desc" }, task.title),
    h("td", { class: "muted small" }, `revision ${task.revision}`, task.editors.length ? [" · ", task.editors.join(", ")] : null)));
  const table = rows.length
    ? h("table", { class: "queue", id: "queue-table" }, h("thead", {}, h("tr", {}, ["Task", "Status", "Flags", "Description", "Revision · editors"].map((c) => h("th", {}, c)))), h("tbody", {}, rows))
    : h("p", { class: "empty" }, "No task matches these filters.");
  $("#app").replaceChildren(h("section", { class: "queue-head" }, h("h1", {}, "Review queue"), counts), form, table);

  let selected = -1;
  const select_ = (index) => {
    if (!rows.length) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === selected));
    rows[selected].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((row, i) => row.addEventListener("click", (event) => { if (event.target.tagName !== "A") select_(i); }));
  keyHandlers.j = () => select_(selected + 1);
  keyHandlers.k = () => select_(selected - 1);
  keyHandlers.Enter = () => { if (selected >= 0) location.href = taskPath(rows[selected].dataset.id); };
}

// ---------------------------------------------------------------- task page

function taskIDFromPath() {
  const rest = location.pathname.slice("/tasks/".length);
  const slash = rest.indexOf("/");
  if (slash < 0) return null;
  return decodeURIComponent(rest.slice(0, slash)) + "/" + rest.slice(slash + 1).split("/").map(decodeURIComponent).join("/");
}

/** Neighbours of `id` in the queue last shown (or the default queue). */
async function queueNeighbour(id, step) {
  let stored = JSON.parse(sessionStorage.getItem("curate-review-queue") || "null");
  if (!stored || !stored.ids.includes(id)) {
    const queue = await api("GET", "/api/queue");
    stored = { query: "", ids: queue.items.map((t) => t.id) };
    sessionStorage.setItem("curate-review-queue", JSON.stringify(stored));
  }
  const index = stored.ids.indexOf(id);
  return stored.ids[index + step] || null;
}

async function taskPage() {
  const id = taskIDFromPath();
  if (!id) throw new APIError(404, { error: { message: "The address does not name a task (expected /tasks/DATASET/ID)." } });
  const task = await api("GET", apiTaskPath(id));
  document.title = `${task.id} · curate review`;
  new TaskView(task).render();
}

class TaskView {
  constructor(task) {
    this.task = task;
    this.current = task.revisions[task.revisions.length - 1];
    this.baseHash = task.currentHash;
    this.form = {};
    this.saving = false;
  }

  header() {
    const t = this.task, cur = this.current;
    return h("section", { class: "task-head" },
      h("div", { class: "title" },
        h("h1", { id: "task-id" }, t.id),
        statusPill(t.status.status),
        h("span", { class: "muted", id: "task-revision" }, `revision ${cur.number} · ${cur.origin} by ${cur.editor} · `, h("code", { title: cur.contentHash }, shortHash(cur.contentHash)), " · ", when(cur.createdAt))),
      t.status.editor ? h("p", { class: "status-line", id: "status-line" },
        t.status.current ? `${t.status.status} by ${t.status.editor}` : `was ${t.status.status === "unreviewed" ? "reviewed" : "marked"} by ${t.status.editor} for earlier content; unreviewed since`,
        t.status.reason ? `: “${t.status.reason}”` : "", " · ", when(t.status.at)) : null,
      h("div", { class: "nav-buttons" },
        h("button", { type: "button", id: "prev-task", title: "Previous task (p)", onclick: () => this.go(-1) }, "← previous"),
        h("button", { type: "button", id: "next-task", title: "Next task (n)", onclick: () => this.go(1) }, "next →")));
  }

  sidePanel() { return h("div", { class: "side" }, this.actionsCard(), this.verdictCard(), this.flagsCard()); }

  auditCard() {
    return h("section", { class: "card", id: "task-audit" }, h("h2", {}, "Audit trail"), auditTable((this.task.audit || []).slice().reverse(), false));
  }

  render() {
    const t = this.task, cur = this.current;
    this.conflictBox = h("div", { id: "conflict", class: "conflict", hidden: true });
    this.resultBox = h("div", { id: "save-result", class: "save-result", hidden: true });
    const editor = h("section", { class: "card editor", id: "editor" }, h("h2", {}, "Content"),
      FIELDS.filter((f) => f.key !== "challengeTests" || (cur.content.challengeTests || []).length).map((f) => this.fieldEditor(f)),
      h("div", { class: "save-bar" },
        h("input", { id: "save-reason", placeholder: "Reason for this edit (required)", maxlength: 500 }),
        h("label", { class: "small", title: "Record the revision even when its tests fail" }, h("input", { type: "checkbox", id: "allow-failing" }), " save even if tests fail"),
        h("button", { type: "button", id: "preview-button", title: "Run the tests of the edited content without saving", onclick: () => this.preview() }, "Run tests"),
        h("button", { type: "button", class: "primary", id: "save-button", title: "Save and revalidate (Ctrl+S)", onclick: () => this.save() }, "Save & revalidate"),
        h("span", { id: "dirty", class: "muted small" })),
      this.conflictBox, this.resultBox);

    const rawConflict = t.conflict ? h("section", { class: "card conflict", id: "raw-conflict" },
      h("h3", {}, "Edit conflict: the raw record changed under an editor's revision"),
      h("p", {}, "The task keeps its last consistent revision. Resolve it by saving the content it should have (start from the form below); the save is logged on top of the new raw record."),
      t.conflict.fields.map((f) => h("div", { class: "field-diff" }, h("h4", {}, f.field),
        sideBySide(jsonText(f.raw), jsonText(f.editor), ["raw record now", "the editor's value"], 1000)))) : null;
    const history = h("section", { class: "card", id: "revisions" }, h("h2", {}, `Revisions (${t.revisions.length})`), this.revisionsList());
    $("#app").replaceChildren(this.header(), rawConflict || "", h("div", { class: "task-grid" }, editor, this.sidePanel()), history, this.auditCard());
    this.updateDirty();

    keyHandlers.n = () => this.go(1);
    keyHandlers.p = () => this.go(-1);
    keyHandlers.a = () => this.setStatus("approved");
    keyHandlers.w = () => this.setStatus("needs-work");
    keyHandlers.x = () => this.setStatus("excluded");
    keyHandlers.save = () => this.save();
    window.onbeforeunload = () => (this.isDirty() && !this.saving ? "You have unsaved edits." : undefined);
  }

  async go(step) {
    const other = await queueNeighbour(this.task.id, step);
    if (other) location.href = taskPath(other);
    else banner(step > 0 ? "This is the last task of the queue." : "This is the first task of the queue.", "info");
  }

  // -- editing

  fieldEditor(field) {
    const value = this.current.content[field.key];
    const id = `field-${field.key}`;
    if (field.kind === "list") {
      const list = h("div", { class: "test-list", id });
      const addRow = (text) => {
        const area = h("textarea", { class: "code test", rows: 1, spellcheck: "false", oninput: () => { autosize(area); this.updateDirty(); } });
        area.value = normalize(text);
        const row = h("div", { class: "test-row" }, area,
          h("button", { type: "button", class: "icon", title: "Remove this test", onclick: () => { row.remove(); this.updateDirty(); } }, "×"));
        list.append(row);
        requestAnimationFrame(() => autosize(area));
        return area;
      };
      (value || []).forEach(addRow);
      this.form[field.key] = () => $$("textarea", list).map((a) => a.value).filter((v) => v.trim() !== "");
      return h("div", { class: "field" }, h("label", { for: id }, field.label),
        list, h("button", { type: "button", class: "small", id: `add-${field.key}`, onclick: () => { addRow("").focus(); this.updateDirty(); } }, "+ add test"));
    }
    const input = field.kind === "line"
      ? h("input", { id, class: "code", spellcheck: "false", oninput: () => this.updateDirty() })
      : h("textarea", { id, class: field.kind === "code" ? "code" : "prose", rows: 2, spellcheck: field.kind === "text" ? "true" : "false",
          oninput: () => { autosize(input); this.updateDirty(); } });
    input.value = normalize(value || "");
    if (field.kind !== "line") requestAnimationFrame(() => autosize(input));
    if (field.kind === "code") input.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && !event.shiftKey) { event.preventDefault(); input.setRangeText("    ", input.selectionStart, input.selectionEnd, "end"); this.updateDirty(); }
    });
    this.form[field.key] = () => input.value;
    return h("div", { class: "field" }, h("label", { for: id }, field.label), input);
  }

  /** The fields the editor changed, in the stored form (line endings of the original kept). */
  changedFields() {
    const changes = {};
    for (const field of FIELDS) {
      if (!this.form[field.key]) continue;
      const original = this.current.content[field.key];
      const edited = this.form[field.key]();
      const crlf = (text) => (typeof text === "string" && text.includes("\r\n"));
      if (Array.isArray(original) || field.kind === "list") {
        const before = (original || []).map(normalize);
        if (JSON.stringify(before) !== JSON.stringify(edited)) changes[field.key] = edited;
      } else if (normalize(original || "") !== edited) {
        if (field.key === "entryPoint") changes[field.key] = edited.trim() === "" ? null : edited.trim();
        else changes[field.key] = crlf(original) ? edited.replace(/\n/g, "\r\n") : edited;
      }
    }
    return changes;
  }

  isDirty() { return Object.keys(this.changedFields()).length > 0; }

  updateDirty() {
    const changed = Object.keys(this.changedFields());
    const label = $("#dirty");
    if (label) label.textContent = changed.length ? `unsaved: ${changed.join(", ")}` : "no unsaved edits";
  }

  async save(onTopOf) {
    if (this.saving) return;
    const content = this.changedFields();
    if (!Object.keys(content).length) { this.showResult(h("p", {}, "Nothing to save: no field differs from revision " + this.current.number + "."), "info"); return; }
    const reasonInput = $("#save-reason");
    const reason = reasonInput.value.trim();
    if (!reason) { reasonInput.classList.add("invalid"); reasonInput.focus(); this.showResult(h("p", {}, "Say why you make this edit; the reason goes into the audit trail and the edit log."), "error"); return; }
    reasonInput.classList.remove("invalid");
    const editor = await requireEditor();
    const button = $("#save-button");
    this.saving = true;
    button.disabled = true;
    const started = performance.now();
    this.showResult(h("p", { class: "running" }, h("span", { class: "spinner" }), " Revalidating in the sandbox…"), "info");
    try {
      const result = await api("POST", apiTaskPath(this.task.id) + "/revisions",
        { baseHash: onTopOf || this.baseHash, content, editor, reason, allowFailing: $("#allow-failing").checked });
      const elapsed = Math.round(performance.now() - started);
      const fresh = await api("GET", apiTaskPath(this.task.id));
      this.saving = false;
      window.onbeforeunload = null;
      const view = new TaskView(fresh);
      view.render();
      view.showResult(h("div", {},
        h("p", {}, `Saved revision ${result.revision.number} `, h("span", { class: "muted" }, `· revalidated, ${elapsed} ms round trip`)),
        verdictSummary(result.verdict)), result.verdict && result.verdict.passed ? "ok" : "warn");
    } catch (error) {
      this.saving = false;
      button.disabled = false;
      if (error.code === "conflict") this.showConflict(error.details);
      else if (error.code === "no-changes") this.showResult(h("p", {}, "Nothing to save: the content equals the current revision."), "info");
      else if (error.code === "failing-revision") this.showResult(h("div", {}, h("p", {}, error.message), verdictSummary(error.details.verdict)), "error");
      else this.showResult(h("p", {}, error.message), "error");
    }
  }

  async preview() {
    const content = this.changedFields();
    this.showResult(h("p", { class: "running" }, h("span", { class: "spinner" }), " Running the tests in the sandbox…"), "info");
    try {
      const verdict = await api("POST", apiTaskPath(this.task.id) + "/preview", { content });
      this.showResult(h("div", {}, h("p", {}, Object.keys(content).length ? "Your unsaved edits, not recorded:" : "The current revision, not recorded:"), verdictSummary(verdict)), verdict.passed ? "ok" : "warn");
    } catch (error) { this.showResult(h("p", {}, error.message), "error"); }
  }

  showResult(content, kind) {
    this.resultBox.replaceChildren(content);
    this.resultBox.className = `save-result ${kind}`;
    this.resultBox.hidden = false;
  }

  /** Someone saved this task since the page loaded: show who, and let the editor compare before deciding. */
  async showConflict(details) {
    this.resultBox.hidden = true;
    let theirs = null;
    try { theirs = await api("GET", apiTaskPath(this.task.id)); } catch (_) { theirs = null; }
    const head = theirs ? theirs.revisions[theirs.revisions.length - 1] : null;
    const mine = Object.assign({}, head ? head.content : this.current.content, this.changedFields());
    const compare = h("div", { class: "conflict-diff", hidden: true, id: "conflict-diff" });
    this.conflictBox.replaceChildren(
      h("h3", {}, "Not saved: someone else changed this task"),
      h("p", {}, head
        ? [`Revision ${head.number} by ${head.editor}`, head.reason ? ` (“${head.reason}”)` : "", " was saved after you opened revision ", this.current.number, ". ",
           "Your edits are still in the form; nothing was overwritten."]
        : details.message),
      h("div", { class: "actions" },
        h("button", { type: "button", id: "conflict-compare", onclick: () => {
          compare.hidden = !compare.hidden;
          if (!compare.hidden && head) compare.replaceChildren(...contentDiff(head.content, mine, [`theirs: revision ${head.number} by ${head.editor}`, "yours (unsaved)"]));
        } }, "Compare theirs with yours"),
        h("a", { href: taskPath(this.task.id), target: "_blank", id: "conflict-open" }, "Open their revision in a new tab"),
        h("button", { type: "button", id: "conflict-overwrite", title: "Save your fields as a new revision on top of theirs", onclick: () => {
          if (details.currentHash) this.save(details.currentHash);
        } }, "Save mine on top of theirs"),
        h("button", { type: "button", id: "conflict-reload", onclick: () => { window.onbeforeunload = null; location.reload(); } }, "Discard mine, load theirs")),
      compare);
    this.conflictBox.hidden = false;
    this.conflictBox.scrollIntoView({ block: "nearest" });
  }

  // -- status and flags

  actionsCard() {
    const reason = h("input", { id: "action-reason", placeholder: "Reason (required for needs work, exclude, flag, dismiss)", maxlength: 500 });
    const flagCode = h("input", { id: "flag-code", value: "editor/", list: "editor-flag-codes", spellcheck: "false" });
    return h("section", { class: "card", id: "actions" }, h("h2", {}, "Review"),
      reason,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "approve", id: "approve-button", title: "Approve (a)", onclick: () => this.setStatus("approved") }, "Approve"),
        h("button", { type: "button", class: "needs-work", id: "needs-work-button", title: "Needs work (w)", onclick: () => this.setStatus("needs-work") }, "Needs work"),
        h("button", { type: "button", class: "exclude", id: "exclude-button", title: "Exclude from releases (x)", onclick: () => this.setStatus("excluded") }, "Exclude"),
        this.task.status.status !== "unreviewed"
          ? h("button", { type: "button", id: "reset-button", title: "Back to unreviewed", onclick: () => this.setStatus("unreviewed") }, "Reset") : null),
      h("details", { id: "raise-flag" }, h("summary", {}, "Raise a flag"),
        h("label", {}, "Code ", flagCode),
        h("datalist", { id: "editor-flag-codes" }, ["editor/ambiguous-description", "editor/wrong-tests", "editor/wrong-solution", "editor/unclear-entry-point", "editor/duplicate"].map((c) => h("option", { value: c }))),
        h("p", { class: "small muted" }, "The message is the reason above."),
        h("button", { type: "button", id: "flag-button", onclick: () => this.raiseFlag() }, "Raise flag")),
      h("p", { id: "action-result", class: "small", hidden: true }));
  }

  reason(required) {
    const input = $("#action-reason");
    const reason = input.value.trim();
    if (required && !reason) {
      input.classList.add("invalid");
      input.focus();
      this.actionResult("Type a reason first: it is kept in the audit trail.", "error");
      return null;
    }
    input.classList.remove("invalid");
    return reason;
  }

  actionResult(text, kind) {
    const el = $("#action-result");
    el.textContent = text;
    el.className = `small ${kind}`;
    el.hidden = false;
  }

  async setStatus(status) {
    const reason = this.reason(status !== "approved" && status !== "unreviewed");
    if (reason === null) return;
    const editor = await requireEditor();
    try {
      await api("POST", apiTaskPath(this.task.id) + "/status", { status, editor, reason: reason || (status === "approved" ? "approved in review" : "reset to unreviewed") });
      await this.refresh(`${status} by ${editor}`);
    } catch (error) { this.actionResult(error.message, "error"); }
  }

  async raiseFlag() {
    const code = $("#flag-code").value.trim();
    const message = this.reason(true);
    if (message === null) return;
    if (!code || code === "editor/") { this.actionResult("Name the flag, e.g. editor/ambiguous-description.", "error"); $("#flag-code").focus(); return; }
    const editor = await requireEditor();
    try {
      await api("POST", apiTaskPath(this.task.id) + "/flags", { code, message, editor });
      await this.refresh(`flag ${code} raised`);
    } catch (error) { this.actionResult(error.message, "error"); }
  }

  async overrideFlag(flag, action) {
    const reason = this.reason(true);
    if (reason === null) { $("#action-reason").scrollIntoView({ block: "center" }); return; }
    const editor = await requireEditor();
    try {
      await api("POST", `${apiTaskPath(this.task.id)}/flags/${flag.id}/${action}`, { editor, reason });
      await this.refresh(`flag ${flag.code} ${action === "dismiss" ? "dismissed" : "reinstated"}`);
    } catch (error) { this.actionResult(error.message, "error"); }
  }

  /** Reloads the task after an action, keeping unsaved edits in the form. */
  /** Reloads status, flags and audit trail after an action; the form, its unsaved edits and its base stay as they are. */
  async refresh(message) {
    const fresh = await api("GET", apiTaskPath(this.task.id));
    this.task = Object.assign(fresh, { revisions: this.task.revisions, verdict: this.task.verdict });
    $(".task-head").replaceWith(this.header());
    $(".side").replaceWith(this.sidePanel());
    $("#task-audit").replaceWith(this.auditCard());
    this.actionResult(message, "ok");
  }

  verdictCard() {
    const verdict = this.task.verdict;
    return h("section", { class: "card", id: "verdicts" }, h("h2", {}, `Verdicts of revision ${this.current.number}`),
      verdict ? verdictSummary(verdict) : h("p", { class: "muted" }, "Not validated yet: save an edit, or run `curate validate`."));
  }

  flagsCard() {
    const flags = this.task.flags || [];
    const active = flags.filter((f) => !f.dismissed), others = flags.filter((f) => f.dismissed);
    return h("section", { class: "card", id: "flags" }, h("h2", {}, `Flags (${active.length} active)`),
      flags.length ? null : h("p", { class: "muted" }, "No flags on this task."),
      active.map((f) => this.flagView(f)),
      others.length ? h("details", {}, h("summary", {}, `${others.length} dismissed`), others.map((f) => this.flagView(f))) : null);
  }

  flagView(flag) {
    const decisions = (this.task.audit || []).filter((e) => (e.kind === "dismiss" || e.kind === "reinstate") && e.summary.endsWith(flag.code));
    return h("div", { class: `flag-card sev-${flag.severity}${flag.dismissed ? " state-dismissed" : ""}`, dataset: { flag: flag.id, code: flag.code } },
      h("div", { class: "flag-title" }, flagChip(flag), h("span", { class: "muted small" }, ` ${flag.stage}${flag.dismissed ? " · dismissed" : ""}`),
        h("span", { class: "spacer" }),
        flag.dismissed
          ? h("button", { type: "button", class: "small", onclick: () => this.overrideFlag(flag, "reinstate") }, "Reinstate")
          : h("button", { type: "button", class: "small dismiss", onclick: () => this.overrideFlag(flag, "dismiss") }, "Dismiss")),
      h("p", {}, flag.message),
      evidenceView(flag, this.current.content, this.task.id),
      decisions.length ? h("ul", { class: "overrides small" }, decisions.map((e) => h("li", {}, `${e.summary.split(" ")[0]} by ${e.editor}: “${e.reason}” `, when(e.at)))) : null);
  }

  // -- history

  revisionsList() {
    const revisions = this.task.revisions.slice().reverse();
    return h("ol", { class: "revisions", reversed: true }, revisions.map((rev) => {
      const previous = this.task.revisions.find((r) => r.number === rev.number - 1);
      const diff = h("div", { class: "rev-diff", hidden: true });
      const toggle = previous ? h("button", { type: "button", class: "small", onclick: () => {
        diff.hidden = !diff.hidden;
        if (!diff.hidden && !diff.childElementCount) diff.append(...contentDiff(previous.content, rev.content, [`revision ${previous.number}`, `revision ${rev.number}`]));
        toggle.textContent = diff.hidden ? `diff with revision ${previous.number}` : "hide diff";
      } }, `diff with revision ${previous.number}`) : null;
      const item = h("li", { class: `rev origin-${rev.origin}`, dataset: { number: rev.number } },
        h("div", { class: "rev-head" }, h("strong", {}, `revision ${rev.number}`), " ", h("span", { class: `pill origin` }, rev.origin), ` by ${rev.editor} · `, when(rev.createdAt),
          " · ", h("code", { title: rev.contentHash }, shortHash(rev.contentHash)), " ", toggle),
        rev.reason ? h("p", { class: "rev-reason" }, "“", rev.reason, "”") : null,
        diff);
      if (rev === revisions[0] && previous) requestAnimationFrame(() => toggle.click());
      return item;
    }));
  }
}

function autosize(area) {
  area.style.height = "auto";
  area.style.height = Math.min(area.scrollHeight + 2, 600) + "px";
}

/** Per-assert verdicts: one row per test statement with its outcome. */
function verdictSummary(verdict) {
  if (!verdict) return h("p", { class: "muted" }, "No verdict.");
  const passed = verdict.asserts.filter((a) => a.passed).length;
  const kind = (a) => (a.passed ? "passed" : a.outcome === "not reached" ? "not-reached" : "failed");
  return h("div", { class: "verdict" },
    h("p", { class: `verdict-headline ${verdict.passed ? "ok" : "bad"}` },
      verdict.passed ? `✓ passed ${passed}/${verdict.asserts.length}` : `✗ ${verdict.category}: ${passed}/${verdict.asserts.length} passed`,
      h("span", { class: "muted small" }, ` · ${Math.round(verdict.wallSeconds * 1000)} ms in the sandbox`)),
    verdict.detail ? h("p", { class: "small" }, verdict.detail) : null,
    verdict.programError ? h("pre", { class: "error-box" }, verdict.programError) : null,
    h("table", { class: "asserts" }, h("tbody", {}, verdict.asserts.map((a) => h("tr", { class: `outcome-${kind(a)}` },
      h("td", { class: "mark" }, a.passed ? "✓" : kind(a) === "not-reached" ? "·" : "✗"),
      h("td", {}, h("code", {}, a.statement)),
      h("td", { class: "small" }, a.passed ? "" : a.outcome))))));
}

/** A conflict field's value as text (strings as they are, lists one per line). */
function jsonText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return normalize(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? normalize(v) : JSON.stringify(v))).join("\n");
  return JSON.stringify(value, null, 2);
}

// ---------------------------------------------------------------- evidence

/** A flag's evidence the way a reviewer reads it: pairs side by side, corpus text around a match, a finding on its line. */
function evidenceView(flag, content, taskID) {
  const evidence = flag.evidence;
  if (evidence && evidence.matches && evidence.duplicateOf) return duplicateView(evidence, content, taskID);
  if (flag.stage === "contamination" && Array.isArray(evidence)) return contaminationView(evidence);
  if (flag.code.startsWith("lint/")) return lintView(flag, content);
  if (flag.stage === "editor" && evidence && evidence.reason) return null;
  if (flag.stage === "validate" && evidence && evidence.statement !== undefined) {
    return h("div", { class: "evidence" }, h("p", { class: "small" }, "First failing statement:"), h("pre", {}, evidence.statement), h("p", { class: "small bad" }, evidence.outcome), evidence.detail ? h("p", { class: "small muted" }, evidence.detail) : null);
  }
  if (evidence === null || evidence === undefined || evidence === "") return null;
  return h("details", { class: "evidence" }, h("summary", {}, "evidence"), h("pre", {}, typeof evidence === "string" ? evidence : JSON.stringify(evidence, null, 2)));
}

function duplicateView(evidence, content, taskID) {
  const box = h("div", { class: "evidence duplicate" });
  const choose = h("select", { class: "small" }, evidence.matches.map((m, i) => {
    const other = m.earlier === taskID ? m.later : m.earlier;
    return h("option", { value: i }, `${other} · ${m.kind} · Jaccard ${m.similarity}`);
  }));
  const pane = h("div", { class: "pair" });
  const show = async () => {
    const match = evidence.matches[Number(choose.value)];
    const other = match.earlier === taskID ? match.later : match.earlier;
    pane.replaceChildren(h("p", { class: "muted small" }, "Loading ", other, "…"));
    try {
      const task = await api("GET", apiTaskPath(other));
      const theirs = task.revisions[task.revisions.length - 1].content;
      const fields = Object.entries(match.fieldSimilarity || {}).map(([k, v]) => `${k} ${v}`).join(" · ");
      pane.replaceChildren(
        h("p", { class: "small" }, match.crossSplit || (match.earlierSplit && match.laterSplit && match.earlierSplit !== match.laterSplit)
          ? h("strong", { class: "bad" }, `crosses splits: ${match.earlierSplit} → ${match.laterSplit} · `) : null, fields ? `per field: ${fields}` : ""),
        ...["description", "solution", "tests"].map((key) => h("div", { class: "field-diff" }, h("h4", {}, key),
          sideBySide(fieldText(content, key), fieldText(theirs, key), [taskID + " (this task)", other], 1000))),
        h("p", {}, taskLink(other)));
    } catch (error) { pane.replaceChildren(h("p", { class: "bad" }, error.message)); }
  };
  choose.addEventListener("change", show);
  if (evidence.matches.length > 1) box.append(h("label", { class: "small" }, "Compare with ", choose));
  box.append(pane);
  show();
  return box;
}

function contaminationView(items) {
  return h("div", { class: "evidence contamination" }, items.map((item) => {
    const loc = item.location || {};
    const context = item.context;
    const text = context
      ? h("pre", { class: "corpus" }, context.before.length >= 320 ? "…" : "", context.before, h("mark", {}, context.match), context.after, context.after.length >= 320 ? "…" : "")
      : h("pre", { class: "corpus" }, h("mark", {}, loc.text || ""), h("span", { class: "muted" }, " (the corpus file is compressed or XML; only the match is shown)"));
    return h("div", { class: "hit" },
      h("p", { class: "small" }, h("strong", {}, item.kind === 2 ? "solution line" : `${["text", "code"][item.kind] || item.kind} n-gram`), item.fields && item.fields.length ? ` of ${item.fields.join(", ")}` : "",
        " found in ", h("code", {}, loc.file || "?"), loc.document ? ` · ${loc.document}` : "", loc.offset !== undefined && loc.offset !== null ? ` · byte ${loc.offset}` : "",
        item.gramsInDocument ? ` · ${item.gramsInDocument} gram(s) of this task in that document` : ""),
      h("p", { class: "small muted" }, "benchmark gram: ", h("code", {}, item.gram)),
      text);
  }));
}

/** Where in the task a lint rule points: the field and lines it is about. */
function lintLocations(code, content, message) {
  const lines = (key) => normalize(content[key] || "").split("\n").map((text, i) => ({ field: key, line: i + 1, text }));
  const solution = lines("solution");
  const tests = (content.tests || []).map((text, i) => ({ field: "tests", line: i + 1, text: normalize(text) }));
  const entry = content.entryPoint || "";
  switch (code) {
    case "lint/no-print": return solution.filter((l) => /\bprint\s*\(/.test(l.text));
    case "lint/no-input": return solution.filter((l) => /\binput\s*\(/.test(l.text));
    case "lint/defines-function": return solution.slice(0, 3);
    case "lint/min-tests": return tests;
    case "lint/tests-call-entry-point": return entry ? tests.filter((l) => !l.text.includes(entry)) : tests;
    case "lint/function-name-style": return solution.filter((l) => /^\s*def\s+\w*[A-Z]\w*\s*\(/.test(l.text));
    case "lint/no-global-state": {
      const quoted = (message.split(": ").slice(1).join(": ") || "").trim();
      return solution.filter((l) => quoted && l.text.trim().startsWith(quoted.slice(0, 40)));
    }
    case "lint/imports-inside-code": return tests.filter((l) => /\b(import|from)\b/.test(l.text)).concat(solution.filter((l) => /\b(math|re|heapq|collections|itertools|sys)\./.test(l.text)));
    case "lint/one-problem": return lines("description");
    default: return [];
  }
}

function lintView(flag, content) {
  const found = lintLocations(flag.code, content, flag.message || "");
  if (!found.length) return null;
  return h("table", { class: "evidence lint-lines" }, h("tbody", {}, found.slice(0, 12).map((l) => h("tr", {},
    h("td", { class: "ln" }, l.field === "tests" ? `test ${l.line}` : `${l.field}:${l.line}`), h("td", {}, h("code", {}, l.text))))));
}

// ---------------------------------------------------------------- audit page

function auditTable(entries, withTask = true) {
  if (!entries.length) return h("p", { class: "muted" }, "Nothing recorded yet.");
  return h("table", { class: "audit", id: withTask ? "audit-table" : "task-audit-table" },
    h("thead", {}, h("tr", {}, ["When", "Editor", "Action", withTask ? "Task" : null, "Detail"].filter(Boolean).map((c) => h("th", {}, c)))),
    h("tbody", {}, entries.map((e) => h("tr", { class: `audit-${e.kind}` },
      h("td", { class: "small" }, when(e.at)), h("td", {}, e.editor), h("td", {}, h("span", { class: "pill" }, e.kind)),
      withTask ? h("td", {}, taskLink(e.task)) : null,
      h("td", {}, e.summary, e.reason ? h("span", { class: "muted" }, ` — “${e.reason}”`) : null)))));
}

async function auditPage() {
  document.title = "Audit log · curate review";
  $("#nav-audit").classList.add("active");
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams(["dataset", "task", "editor", "limit"].filter((k) => params.get(k)).map((k) => [k, params.get(k)])).toString();
  const log = await api("GET", "/api/audit" + (query ? "?" + query : ""));
  const form = h("form", { class: "filters", method: "get", action: "/audit" },
    h("label", {}, "Task ", h("input", { name: "task", value: params.get("task") || "", placeholder: "e.g. mbpp/704", size: 14 })),
    h("label", {}, "Editor ", h("input", { name: "editor", value: params.get("editor") || "", size: 12 })),
    h("button", { type: "submit" }, "Filter"), query ? h("a", { href: "/audit", class: "reset" }, "clear") : null);
  $("#app").replaceChildren(h("h1", {}, "Audit log"), h("p", { class: "muted" }, "Every edit, status, flag and override, newest first."), form, auditTable(log.entries));
}

// ---------------------------------------------------------------- keyboard and start

const keyHandlers = {};

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    if (keyHandlers.save) { event.preventDefault(); keyHandlers.save(); }
    return;
  }
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName) || document.activeElement.isContentEditable;
  if (event.key === "Escape" && typing) { document.activeElement.blur(); return; }
  if (typing || event.ctrlKey || event.metaKey || event.altKey || $("dialog[open]")) return;
  if (event.key === "?") { $("#help-dialog").showModal(); return; }
  const handler = keyHandlers[event.key];
  if (handler) { event.preventDefault(); handler(); }
});

async function start() {
  adoptTokenFromURL();
  showEditor();
  $("#editor-button").addEventListener("click", () => askEditor());
  $("#help-button").addEventListener("click", () => $("#help-dialog").showModal());
  if (!session.token) { askToken(); return; }
  if (!session.editor) askEditor();
  try {
    if (location.pathname === "/" || location.pathname === "/queue") await queuePage();
    else if (location.pathname.startsWith("/tasks/")) await taskPage();
    else if (location.pathname === "/audit") await auditPage();
    else $("#app").replaceChildren(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "/" }, "Back to the queue")));
  } catch (error) {
    $("#app").replaceChildren(h("h1", {}, error.status === 404 ? "Not found" : "Something went wrong"), h("p", { class: "bad", id: "page-error" }, error.message), h("p", {}, h("a", { href: "/" }, "Back to the queue")));
  }
}

start();
