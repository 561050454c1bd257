// Joined Forces outbox: what a field advisor files without a connection is kept on the device
// (IndexedDB, through the `idb` package) and sent, in order, when the connection returns.
//
// - Without a connection, the forms registered in FORMS below do not post to the page: what
//   was filled in goes to the outbox with an idempotency key made here, and is sent through
//   the API with an `Idempotency-Key` header. Sent again after a lost answer, the server
//   answers what it answered the first time: nothing is ever filed twice.
// - With a connection, the forms post to their page as they do without JavaScript.
// - An item the server refuses (someone changed the activity meanwhile, the plan closed, the
//   person lost access) stops in "needs attention", beside the server's values; the person
//   resends, edits or discards it. Nothing is overwritten silently.
// - Signing out empties the outbox and the service worker's caches (the server's answer also
//   says `Clear-Site-Data`).
// Loaded as a module, for signed-in people only (templates/base.html).

import { deleteDB, openDB } from "../vendor/idb/index.js";

// The phrases shown are in the page's language: Django's JavaScript catalogue (offline/views.py
// Catalogue, /jsi18n/<language>/, kept by the service worker) is loaded before this module by
// templates/base.html. Without it, English.
const gettext = globalThis.gettext || ((text) => text);
const ngettext = globalThis.ngettext || ((one, many, count) => (count === 1 ? one : many));
const interpolate =
  globalThis.interpolate ||
  ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name])));

const DB_NAME = "jf-outbox";
const STORE = "items";
const PAGES_CACHE = "jf-pages"; // offline/sw-src.js keeps the pages there
// offline/sw-src.js reads there the language of its page for an address not kept.
const LANGUAGE_CACHE = "jf-language";
const LANGUAGE_KEY = "/jf-language";
const BUDGET_BYTES = 50 * 1024 * 1024;
const MAX_SIDE = 1600;
const JPEG_QUALITY = 0.8;
const KEEP_SENT_MS = 7 * 24 * 3600 * 1000;
const WARM_AT_MOST = 12;
const WARM_AFTER_MS = 2000; // once the person stays on the page, not on every page passed by
// The pages whose links are fetched ahead: the plans list and a plan's page.
const WARM_FROM = [/^\/plans\/$/, /^\/plans\/\d+\/$/];

export const STATES = {
  waiting: "waiting",
  sending: "sending",
  sent: "sent",
  attention: "needs attention",
};

// What the person reads for each state (the states themselves are kept on the device).
const STATE_LABELS = {
  [STATES.waiting]: gettext("waiting"),
  [STATES.sending]: gettext("sending"),
  [STATES.sent]: gettext("sent"),
  [STATES.attention]: gettext("needs attention"),
};

// One registration per form: the page it is on, where the API takes it, and how the form's
// fields are named there. `fields` maps the form's names to the API's (others are left out).
export const FORMS = [
  {
    kind: "field-report",
    noun: gettext("Field report"),
    discard: gettext("Discard this field report? It will not be sent."),
    discarded: gettext("Discarded: the field report was removed from this device."),
    page: /^\/plans\/(\d+)\/field-reports\/new\/$/,
    method: "POST",
    endpoint: () => "/api/v1/field-reports/",
    encoding: "multipart",
    fields: {
      activity: "activity",
      date: "date",
      place: "place",
      situation: "situation",
      progress_update: "progress_update",
      activity_version: "activity_version",
      attachments: "attachments",
    },
    extra: (match) => ({ plan: match[1] }),
    // A progress figure based on an older version of the activity comes back 409 with the
    // activity now: its progress beside the device's figure; a resend takes its version.
    compare: [["progress", "progress_update"]],
    versionField: "activity_version",
    summary: "situation",
    link: (body) => `/plans/${body.plan}/#report-${body.id}`,
  },
  {
    kind: "progress",
    noun: gettext("Progress update"),
    discard: gettext("Discard this progress update? It will not be sent."),
    discarded: gettext("Discarded: the progress update was removed from this device."),
    page: /^\/plans\/activities\/(\d+)\/progress\/$/,
    method: "PATCH",
    endpoint: (match) => `/api/v1/activities/${match[1]}/`,
    encoding: "json",
    fields: { status: "status", progress: "progress", version: "version" },
    numbers: ["progress", "version"],
    // As on the page: an unchanged status lets the server mark the activity done at 100 %.
    omitUnchanged: ["status"],
    compare: ["status", "progress"],
    summary: "progress",
    link: (body) => `/plans/${body.plan}/#activity-${body.id}`,
  },
  {
    kind: "observation",
    noun: gettext("Observation"),
    discard: gettext("Discard this observation? It will not be sent."),
    discarded: gettext("Discarded: the observation was removed from this device."),
    page: /^\/lessons\/new\/$/,
    method: "POST",
    endpoint: () => "/api/v1/lessons/",
    encoding: "multipart",
    fields: {
      source_organisation: "source_organisation",
      title: "title",
      observation: "observation",
      source_plan: "source_plan",
      theatre: "theatre",
      observed_on: "observed_on",
      photo: "attachments",
      discussion: "discussion",
      conclusion: "conclusion",
      recommendation: "recommendation",
      domains: "domains",
      classification: "classification",
    },
    summary: "title",
    link: (body) => `/lessons/${body.id}/`,
  },
];

// The pages worth keeping for a day without a connection (offline/sw-src.js keeps them as
// they are visited; links to them on the page in view are fetched ahead).
const OFFLINE_PAGES = [
  /^\/plans\/\d+\/$/,
  /^\/plans\/\d+\/field-reports\/new\/$/,
  /^\/plans\/activities\/\d+\/progress\/$/,
  /^\/lessons\/new\/$/,
  /^\/outbox\/$/,
];

const USER = document.querySelector('meta[name="jf-user"]')?.content || "";

// --- the device's store ------------------------------------------------------------------

let opened = null;

function db() {
  if (!opened) {
    opened = openDB(DB_NAME, 1, {
      upgrade(database) {
        const store = database.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        store.createIndex("key", "key", { unique: true });
      },
      // Another tab signing out deletes the database: let it.
      blocking() {
        close();
      },
    });
  }
  return opened;
}

function close() {
  if (opened) {
    opened.then((database) => database.close()).catch(() => {});
    opened = null;
  }
}

async function items() {
  const all = await (await db()).getAll(STORE);
  return all.filter((item) => item.user === USER);
}

async function save(item) {
  await (await db()).put(STORE, item);
}

const bytesOf = (item) => (item.files || []).reduce((sum, file) => sum + file.blob.size, 0);

export async function usedBytes() {
  return (await items()).reduce((sum, item) => sum + bytesOf(item), 0);
}

// --- taking a form in ----------------------------------------------------------------------

function registrationFor(pathname) {
  for (const entry of FORMS) {
    const match = entry.page.exec(pathname);
    if (match) return { entry, match };
  }
  return null;
}

function initialValue(form, name) {
  const control = form.elements.namedItem(name);
  if (!control) return null;
  if (control instanceof RadioNodeList || control.length !== undefined) {
    const first = Array.from(control).find((input) => input.defaultChecked);
    return first ? first.value : null;
  }
  return control.defaultValue ?? null;
}

async function photoResized(file) {
  const original = { filename: file.name, type: file.type, blob: file };
  if (!/^image\/(jpeg|png|webp)$/.test(file.type)) return original;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return original; // a format this browser does not read: sent as it is
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size <= 1024 * 1024) {
    bitmap.close();
    return original;
  }
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // transparency becomes white, not black, in a JPEG
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  if (scale === 1 && blob.size >= file.size) return original;
  const filename = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return { filename, type: "image/jpeg", blob };
}

export class NoRoom extends Error {}

function megabytes(bytes) {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
}

function size(bytes) {
  if (bytes < 1024 * 1024) {
    return interpolate(gettext("%(n)s KB"), { n: Math.max(1, Math.round(bytes / 1024)) }, true);
  }
  if (bytes < 1024 * 1024 * 1024) {
    return interpolate(gettext("%(n)s MB"), { n: megabytes(bytes) }, true);
  }
  const gigabytes = (bytes / (1024 * 1024 * 1024)).toFixed(1).replace(/\.0$/, "");
  return interpolate(gettext("%(n)s GB"), { n: gigabytes }, true);
}

const when = (iso) =>
  new Date(iso).toLocaleString(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });

async function ensureRoom(newBytes) {
  if (!newBytes) return;
  const used = await usedBytes();
  if (used + newBytes > BUDGET_BYTES) {
    throw new NoRoom(
      interpolate(
        gettext(
          "There is no room for these photos on this device: the outbox holds %(used)s " +
            "of its %(budget)s. Send or discard what waits in the outbox first, " +
            "or leave the photos out.",
        ),
        { used: size(used), budget: size(BUDGET_BYTES) },
        true,
      ),
    );
  }
  if (navigator.storage?.estimate) {
    const { usage = 0, quota = Infinity } = await navigator.storage.estimate();
    if (usage + newBytes > quota) {
      throw new NoRoom(
        gettext(
          "This device has no room left for these photos. Send or discard what waits in the " +
            "outbox first, or leave the photos out.",
        ),
      );
    }
  }
}

function summaryOf(entry, fields) {
  const value = fields.find(([name]) => name === entry.summary)?.[1] ?? "";
  const text = entry.kind === "progress" && value !== "" ? `${value} %` : String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

async function capture(form, entry, match) {
  const fields = [];
  const chosen = [];
  for (const [name, value] of new FormData(form)) {
    const apiName = entry.fields[name];
    if (!apiName) continue;
    if (value instanceof File) {
      if (value.size > 0) chosen.push({ field: apiName, file: value });
    } else if (value !== "") {
      if ((entry.omitUnchanged || []).includes(name) && value === initialValue(form, name)) {
        continue;
      }
      fields.push([apiName, value]);
    }
  }
  for (const [name, value] of Object.entries(entry.extra ? entry.extra(match) : {})) {
    fields.push([name, String(value)]);
  }
  const files = [];
  for (const { field, file } of chosen) {
    files.push({ field, ...(await photoResized(file)) });
  }
  await ensureRoom(files.reduce((sum, file) => sum + file.blob.size, 0));
  navigator.storage?.persist?.().catch(() => {});
  const read = {};
  for (const name of entry.compare || []) read[name] = initialValue(form, name);
  const heading = document.querySelector("main hgroup p")?.textContent?.trim() || "";
  const item = {
    key: crypto.randomUUID(),
    user: USER,
    kind: entry.kind,
    noun: entry.noun,
    about: heading,
    summary: summaryOf(entry, fields),
    page: location.pathname + location.search,
    method: entry.method,
    url: entry.endpoint(match),
    encoding: entry.encoding,
    fields,
    files,
    read,
    state: STATES.waiting,
    created: new Date().toISOString(),
    attempts: 0,
    note: "",
    problem: null,
    result: null,
  };
  await save(item);
  return item;
}

// --- sending -------------------------------------------------------------------------------

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function bodyOf(item) {
  const entry = FORMS.find((form) => form.kind === item.kind);
  if (item.encoding === "json") {
    const body = {};
    for (const [name, value] of item.fields) {
      body[name] = (entry?.numbers || []).includes(name) ? Number(value) : value;
    }
    return JSON.stringify(body);
  }
  const data = new FormData();
  for (const [name, value] of item.fields) data.append(name, value);
  for (const file of item.files || []) data.append(file.field, file.blob, file.filename);
  return data;
}

function messageOf(status, body) {
  if (status === 409) {
    return gettext("Someone changed this on the server after your device read it.");
  }
  if (status === 404) {
    return gettext("You no longer have access to this, or it was removed.");
  }
  if (status === 422) {
    return gettext("The server already took other content under this item's key.");
  }
  if (body && typeof body === "object") {
    if (typeof body.detail === "string") return body.detail;
    const lines = [];
    for (const [field, errors] of Object.entries(body)) {
      const text = Array.isArray(errors) ? errors.join(" ") : String(errors);
      lines.push(field === "non_field_errors" ? text : `${field.replace(/_/g, " ")}: ${text}`);
    }
    if (lines.length) return lines.join(" ");
  }
  return interpolate(gettext("The server refused it (%(status)s)."), { status }, true);
}

// "offline" and "signed out" stop the round: what follows would fail alike.
async function sendOne(item) {
  item.state = STATES.sending;
  item.attempts += 1;
  await save(item);
  render();
  const headers = {
    "Idempotency-Key": item.key,
    "X-CSRFToken": csrfToken(),
    Accept: "application/json",
  };
  if (item.encoding === "json") headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(item.url, {
      method: item.method,
      headers,
      body: bodyOf(item),
      credentials: "same-origin",
    });
  } catch {
    // Perhaps the server took it and the answer was lost: the same key is sent again, and
    // the server answers what it answered the first time.
    item.state = STATES.waiting;
    item.note = gettext("Not confirmed yet: it is sent again when the connection allows.");
    await save(item);
    return "offline";
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok) {
    const entry = FORMS.find((form) => form.kind === item.kind);
    item.state = STATES.sent;
    item.sent = new Date().toISOString();
    item.note = "";
    item.problem = null;
    item.result = {
      id: body?.id ?? null,
      link: body && entry ? entry.link(body) : null,
      replayed: response.headers.get("Idempotent-Replayed") === "true",
    };
    item.files = (item.files || []).map(({ field, filename, type, blob }) => ({
      field,
      filename,
      type,
      sentBytes: blob.size,
      blob: new Blob([]),
    }));
    await save(item);
    return "sent";
  }
  const detail = typeof body?.detail === "string" ? body.detail : "";
  if (response.status === 401 || (response.status === 403 && /credentials|CSRF/i.test(detail))) {
    item.state = STATES.waiting;
    item.note = gettext("Sign in again to send it: your session has ended.");
    await save(item);
    return "signed out";
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    item.state = STATES.waiting;
    item.note = gettext("The server could not take it just now: it is tried again later.");
    await save(item);
    return "offline";
  }
  item.state = STATES.attention;
  item.note = "";
  item.problem = {
    status: response.status,
    message: messageOf(response.status, body),
    current: body && typeof body.current === "object" ? body.current : null,
  };
  await save(item);
  return "attention";
}

let sendingRound = null;

export async function sendAll() {
  if (!navigator.onLine) return { sent: 0 };
  if (sendingRound) return sendingRound;
  const round = async () => {
    let sent = 0;
    const waiting = (await items()).filter(
      (item) => item.state === STATES.waiting || item.state === STATES.sending,
    );
    for (const item of waiting) {
      const outcome = await sendOne(item);
      if (outcome === "sent") sent += 1;
      if (outcome === "offline" || outcome === "signed out") break;
    }
    return { sent };
  };
  // One round at a time across the person's tabs (each item's key makes a double send
  // harmless, but one at a time keeps the order).
  sendingRound = (
    navigator.locks ? navigator.locks.request("jf-outbox-send", round) : round()
  ).finally(() => {
    sendingRound = null;
    render();
  });
  return sendingRound;
}

async function forgetOldSent() {
  const database = await db();
  const cutoff = Date.now() - KEEP_SENT_MS;
  for (const item of await items()) {
    if (item.state === STATES.sent && Date.parse(item.sent) < cutoff) {
      await database.delete(STORE, item.seq);
    }
  }
}

// --- what the person sees ------------------------------------------------------------------

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

export function say(text, { tone = "success", link = null } = {}) {
  let region = document.querySelector(".flash-region");
  if (!region) {
    region = element("div", { class: "flash-region" });
    document.querySelector("main")?.prepend(region);
  }
  const paragraph = element("p", { text });
  if (link) {
    paragraph.append(" ", element("a", { href: link.href, text: link.text }));
  }
  const flash = element(
    "div",
    { class: `flash flash-${tone} outbox-flash`, role: "status" },
    paragraph,
    element("button", {
      type: "button",
      class: "flash-close",
      "data-dismiss": true,
      "aria-label": gettext("Dismiss this message"),
    }),
  );
  region.querySelectorAll(".outbox-flash").forEach((old) => old.remove());
  region.append(flash);
  flash.scrollIntoView({ block: "nearest" });
}

const LABELS = {
  status: gettext("Status"),
  progress: gettext("Progress (%)"),
  version: gettext("Version"),
  activity: gettext("Activity"),
  date: gettext("Date"),
  place: gettext("Place"),
  situation: gettext("Situation"),
  progress_update: gettext("Progress update"),
  title: gettext("Title"),
  observation: gettext("Observation"),
  source_organisation: gettext("Source organisation"),
  source_plan: gettext("Source plan"),
  theatre: gettext("Theatre"),
  observed_on: gettext("Observed on"),
  discussion: gettext("Discussion"),
  conclusion: gettext("Conclusion"),
  recommendation: gettext("Recommendation"),
  domains: gettext("Domains"),
  classification: gettext("Classification"),
};

function labelOf(name) {
  return LABELS[name] || name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, " ");
}

function displayed(name, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (name === "progress" || name === "progress_update") return `${value} %`;
  if (name === "status") {
    const words = String(value).replace(/_/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return String(value);
}

function deviceValue(item, name) {
  const found = item.fields.find(([field]) => field === name);
  if (found) return displayed(name, found[1]);
  // Left out of the request (an unchanged status): the server's stays.
  const read = item.read?.[name];
  return read
    ? interpolate(gettext("%(value)s (unchanged)"), { value: displayed(name, read) }, true)
    : "—";
}

function comparison(item) {
  const names = FORMS.find((form) => form.kind === item.kind)?.compare || [];
  const current = item.problem?.current;
  if (!names.length) return null;
  // A name, or [the server's name, the device's name] where the two differ.
  const rows = names.map((names) => {
    const [server, device] = Array.isArray(names) ? names : [names, names];
    return element(
      "tr",
      {},
      element("th", { scope: "row", text: labelOf(server) }),
      element("td", { text: current ? displayed(server, current[server]) : "—" }),
      element("td", { text: deviceValue(item, device) }),
    );
  });
  return element(
    "table",
    { class: "outbox-compare" },
    element(
      "thead",
      {},
      element(
        "tr",
        {},
        element("th", { scope: "col", text: "" }),
        element("th", { scope: "col", text: gettext("On the server now") }),
        element("th", { scope: "col", text: gettext("On this device") }),
      ),
    ),
    element("tbody", {}, ...rows),
  );
}

function editor(item) {
  const form = element("form", { class: "outbox-edit", "data-seq": item.seq, hidden: true });
  for (const [index, [name, value]] of item.fields.entries()) {
    if (name === "plan" || name === "version" || name === "activity_version") continue;
    const id = `outbox-${item.seq}-${index}`;
    const long = String(value).length > 60 || ["situation", "observation"].includes(name);
    const control = long
      ? element("textarea", { id, name, rows: 4 })
      : element("input", { id, name, value, type: "text" });
    if (long) control.value = value;
    form.append(element("label", { for: id, text: labelOf(name) }), control);
  }
  form.append(
    element(
      "div",
      { class: "form-actions" },
      element("button", { type: "submit", text: gettext("Save and send") }),
      element("button", {
        type: "button",
        class: "secondary outline",
        "data-action": "cancel-edit",
        text: gettext("Cancel"),
      }),
    ),
  );
  return form;
}

// The kind of item in the page's language (an item keeps the noun of when it was filed).
function nounOf(item) {
  return FORMS.find((form) => form.kind === item.kind)?.noun || item.noun;
}

function itemView(item) {
  const state = element("span", {
    class: `outbox-state is-${item.state.replace(/ /g, "-")}`,
    text: STATE_LABELS[item.state] || item.state,
  });
  const noun = nounOf(item);
  const summary = item.summary || gettext("(no text)");
  const filed = interpolate(
    gettext("filed on this device %(when)s"),
    { when: when(item.created) },
    true,
  );
  const files = (item.files || []).map(
    (file) => `${file.filename} (${size(file.sentBytes ?? file.blob.size)})`,
  );
  const view = element(
    "li",
    {
      class: "outbox-item",
      "data-seq": item.seq,
      "data-state": item.state,
      "aria-label": interpolate(
        gettext("%(kind)s: %(summary)s"),
        { kind: noun, summary: item.summary },
        true,
      ),
    },
    element(
      "header",
      {},
      element("strong", {
        text: interpolate(gettext("%(kind)s: %(summary)s"), { kind: noun, summary }, true),
      }),
      " ",
      state,
    ),
    element("p", {
      class: "outbox-meta",
      text:
        `${item.about ? `${item.about} · ` : ""}${filed}` +
        (item.sent
          ? ` · ${interpolate(gettext("sent %(when)s"), { when: when(item.sent) }, true)}`
          : ""),
    }),
    files.length
      ? element("p", {
          class: "outbox-files",
          text: interpolate(gettext("Photos: %(files)s"), { files: files.join(", ") }, true),
        })
      : null,
    item.note ? element("p", { class: "outbox-note", text: item.note }) : null,
  );
  if (item.state === STATES.sent) {
    const text = item.result?.replayed
      ? gettext("Sent (the server had already taken it).")
      : gettext("Sent.");
    const line = element("p", { class: "outbox-sent", text });
    if (item.result?.link) line.append(" ", element("a", { href: item.result.link, text: gettext("See it") }));
    view.append(line);
    return view;
  }
  if (item.state === STATES.attention && item.problem) {
    view.append(
      element("p", { class: "outbox-problem", role: "alert", text: item.problem.message }),
      comparison(item),
      element(
        "div",
        { class: "form-actions" },
        element("button", {
          type: "button",
          "data-action": "resend",
          text: item.problem.current?.version
            ? gettext("Resend over the server's values")
            : gettext("Resend"),
        }),
        element("button", {
          type: "button",
          class: "secondary",
          "data-action": "edit",
          text: gettext("Edit"),
        }),
        element("button", {
          type: "button",
          class: "secondary outline",
          "data-action": "discard",
          text: gettext("Discard"),
        }),
      ),
      editor(item),
    );
    return view;
  }
  view.append(
    element(
      "div",
      { class: "form-actions" },
      element("button", {
        type: "button",
        class: "secondary outline",
        "data-action": "discard",
        text: gettext("Discard"),
      }),
    ),
  );
  return view;
}

let rendering = Promise.resolve();

function render() {
  rendering = rendering.then(renderNow).catch(() => {});
  return rendering;
}

async function renderNow() {
  const all = await items();
  const open = all.filter((item) => item.state !== STATES.sent);
  for (const badge of document.querySelectorAll("[data-outbox-count]")) {
    badge.textContent = open.length ? String(open.length) : "";
    badge.hidden = !open.length;
  }
  const list = document.getElementById("outbox-items");
  if (!list) return;
  list.replaceChildren(...all.map(itemView));
  document.getElementById("outbox-empty").hidden = all.length > 0;
  const connection = document.getElementById("outbox-connection");
  const count = { n: open.length };
  if (!open.length) {
    connection.textContent = navigator.onLine
      ? gettext("Connected. Nothing waits to be sent.")
      : gettext("Offline. Nothing waits to be sent.");
  } else if (navigator.onLine) {
    connection.textContent = interpolate(
      ngettext("Connected. %(n)s to send.", "Connected. %(n)s to send.", open.length),
      count,
      true,
    );
  } else {
    connection.textContent = interpolate(
      ngettext(
        "Offline. %(n)s to send when you are back online.",
        "Offline. %(n)s to send when you are back online.",
        open.length,
      ),
      count,
      true,
    );
  }
  const used = all.reduce((sum, item) => sum + bytesOf(item), 0);
  let storage = used
    ? interpolate(
        gettext("Photos waiting: %(used)s of the outbox's %(budget)s."),
        { used: size(used), budget: size(BUDGET_BYTES) },
        true,
      )
    : interpolate(
        gettext("Photos waiting: none of the outbox's %(budget)s."),
        { budget: size(BUDGET_BYTES) },
        true,
      );
  if (navigator.storage?.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    if (quota) {
      storage +=
        " " +
        interpolate(
          gettext("This site uses %(usage)s of the %(quota)s the browser allows it."),
          { usage: size(usage), quota: size(quota) },
          true,
        );
    }
  }
  const meter = document.getElementById("outbox-storage-meter");
  if (meter) meter.value = Math.min(used / BUDGET_BYTES, 1);
  document.getElementById("outbox-storage").textContent = storage;
}

async function itemBySeq(seq) {
  return (await (await db()).get(STORE, Number(seq))) || null;
}

async function onOutboxClick(event) {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const view = button.closest(".outbox-item");
  const item = await itemBySeq(view?.dataset.seq);
  if (!item) return;
  const action = button.dataset.action;
  if (action === "discard") {
    const entry = FORMS.find((form) => form.kind === item.kind);
    if (!window.confirm(entry?.discard || gettext("Discard this item? It will not be sent."))) {
      return;
    }
    await (await db()).delete(STORE, item.seq);
    say(entry?.discarded || gettext("Discarded: the item was removed from this device."));
    render();
  } else if (action === "resend") {
    takeServerVersion(item);
    item.state = STATES.waiting;
    item.problem = null;
    item.note = "";
    await save(item);
    await render();
    await sendNow();
  } else if (action === "edit") {
    view.querySelector(".outbox-edit").hidden = false;
    view.querySelector(".outbox-edit input, .outbox-edit textarea")?.focus();
  } else if (action === "cancel-edit") {
    view.querySelector(".outbox-edit").hidden = true;
  }
}

// Resent or edited after a 409: the item is now based on the server's version.
function takeServerVersion(item) {
  const version = item.problem?.current?.version;
  if (version === undefined || version === null) return;
  const field = FORMS.find((form) => form.kind === item.kind)?.versionField || "version";
  item.fields = item.fields.filter(([name]) => name !== field);
  item.fields.push([field, String(version)]);
}

async function onEditSubmit(event) {
  const form = event.target.closest(".outbox-edit");
  if (!form) return;
  event.preventDefault();
  const item = await itemBySeq(form.dataset.seq);
  if (!item) return;
  const edited = new FormData(form);
  item.fields = item.fields
    .map(([name, value]) => [name, edited.has(name) ? String(edited.get(name)) : value])
    .filter(([, value]) => value !== "");
  takeServerVersion(item);
  const entry = FORMS.find((registered) => registered.kind === item.kind);
  if (entry) item.summary = summaryOf(entry, item.fields);
  item.state = STATES.waiting;
  item.problem = null;
  await save(item);
  await render();
  await sendNow();
}

async function sendNow() {
  if (!navigator.onLine) {
    say(gettext("You are offline: it will be sent when you are back online."), { tone: "info" });
    return;
  }
  const { sent } = await sendAll();
  const left = (await items()).filter((item) => item.state !== STATES.sent);
  const attention = left.filter((item) => item.state === STATES.attention).length;
  if (sent) {
    let text =
      sent === 1
        ? gettext("Sent.")
        : interpolate(ngettext("Sent: %(n)s item.", "Sent: %(n)s items.", sent), { n: sent }, true);
    if (attention) {
      text +=
        " " +
        interpolate(
          ngettext("%(n)s needs your attention.", "%(n)s need your attention.", attention),
          { n: attention },
          true,
        );
    }
    say(text, { link: document.getElementById("outbox-items") ? null : outboxLink() });
  } else if (attention) {
    const needing = ngettext(
      "%(n)s item needs your attention.",
      "%(n)s items need your attention.",
      attention,
    );
    say(interpolate(needing, { n: attention }, true), {
      tone: "error",
      link: document.getElementById("outbox-items") ? null : outboxLink(),
    });
  } else if (left.length) {
    say(gettext("Not sent yet: it is tried again when the connection allows."), { tone: "info" });
  }
}

const outboxLink = () => ({ href: "/outbox/", text: gettext("See the outbox") });

// --- the forms -----------------------------------------------------------------------------

async function onSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.matches(".logout-form")) {
    await signOut(event, form);
    return;
  }
  if (form.closest("#outbox")) {
    await onEditSubmit(event);
    return;
  }
  if (navigator.onLine || form.method.toLowerCase() !== "post" || !form.matches(".page-form")) {
    return; // connected: the page takes the form, as without JavaScript
  }
  const registered = registrationFor(location.pathname);
  if (!registered) return;
  event.preventDefault();
  const button = form.querySelector('[type="submit"]');
  if (button) button.disabled = true;
  try {
    const item = await capture(form, registered.entry, registered.match);
    if (item.kind !== "progress") form.reset();
    say(gettext("Saved on this device; it will be sent when you are back online."), {
      tone: "info",
      link: outboxLink(),
    });
  } catch (error) {
    say(
      error instanceof NoRoom
        ? error.message
        : gettext("It could not be kept on this device. Try again when you are back online."),
      { tone: "error" },
    );
  } finally {
    if (button) button.disabled = false;
    render();
  }
}

// --- signing out ---------------------------------------------------------------------------

export async function clearDevice() {
  close();
  const work = [
    deleteDB(DB_NAME).catch(() => {}),
    ...(window.caches ? [caches.keys().then((names) => Promise.all(names.map((n) => caches.delete(n))))] : []),
    ...(navigator.serviceWorker
      ? [
          navigator.serviceWorker
            .getRegistrations()
            .then((registrations) => Promise.all(registrations.map((r) => r.unregister()))),
        ]
      : []),
  ];
  // Never let a blocked deletion keep the person from signing out: the server's
  // Clear-Site-Data answer clears the rest.
  await Promise.race([Promise.allSettled(work), new Promise((done) => setTimeout(done, 2000))]);
}

async function signOut(event, form) {
  event.preventDefault();
  let unsent = 0;
  try {
    unsent = (await items()).filter((item) => item.state !== STATES.sent).length;
  } catch {
    unsent = 0;
  }
  if (
    unsent &&
    !window.confirm(
      interpolate(
        ngettext(
          "%(n)s item has not been sent. Signing out deletes it from this device. " +
            "Sign out anyway?",
          "%(n)s items have not been sent. Signing out deletes them from this device. " +
            "Sign out anyway?",
          unsent,
        ),
        { n: unsent },
        true,
      ),
    )
  ) {
    return;
  }
  await clearDevice();
  form.submit();
}

// --- keeping pages for later ---------------------------------------------------------------

let warming = null;

function keepLinkedPagesSoon() {
  if (!WARM_FROM.some((page) => page.test(location.pathname))) return;
  clearTimeout(warming);
  warming = setTimeout(() => keepLinkedPages().catch(() => {}), WARM_AFTER_MS);
}

async function keepLinkedPages() {
  const worker = navigator.serviceWorker?.controller;
  if (!worker || !navigator.onLine || !window.caches) return;
  const cache = await caches.open(PAGES_CACHE);
  const wanted = new Set(["/outbox/"]);
  for (const link of document.querySelectorAll("main a[href]")) {
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin) continue;
    if (OFFLINE_PAGES.some((page) => page.test(url.pathname))) wanted.add(url.pathname + url.search);
  }
  const missing = [];
  for (const url of wanted) {
    if (missing.length >= WARM_AT_MOST) break;
    if (url !== location.pathname + location.search && !(await cache.match(url))) missing.push(url);
  }
  if (missing.length) {
    // Workbox's router fetches these through the same route as a visit (network first).
    worker.postMessage({ type: "CACHE_URLS", payload: { urlsToCache: missing } });
  }
}

function markOffline() {
  if (navigator.onLine) return;
  // A page from the device's copy: its confirmations are from when it was kept.
  document.querySelectorAll(".flash-region .flash:not(.outbox-flash)").forEach((old) => old.remove());
  say(gettext("You are offline: this page is as it was when you last opened it."), {
    tone: "info",
  });
}

// Someone else signed in on this device (the last person's session ended without signing
// out): the pages kept for the last person are not theirs to read offline. The last
// person's unsent items stay (never shown or sent as anyone else's) until they sign in again.
async function forgetAnotherPersonsPages() {
  const owner = localStorage.getItem("jf-device-user");
  if (owner && owner !== USER && window.caches) await caches.delete(PAGES_CACHE);
  localStorage.setItem("jf-device-user", USER);
}

// The service worker answers an address not kept on the device in the page's language.
async function keepLanguage() {
  const language = document.documentElement.lang;
  if (!language || !window.caches) return;
  const cache = await caches.open(LANGUAGE_CACHE);
  await cache.put(LANGUAGE_KEY, new Response(language, { headers: { "Content-Type": "text/plain" } }));
}

async function start() {
  await forgetAnotherPersonsPages().catch(() => {});
  keepLanguage().catch(() => {});
  document.addEventListener("submit", onSubmit);
  document.getElementById("outbox")?.addEventListener("click", onOutboxClick);
  document.querySelector("[data-outbox-send]")?.addEventListener("click", () => sendNow());
  window.addEventListener("online", () => sendNow());
  window.addEventListener("offline", () => render());
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    navigator.serviceWorker.ready.then(keepLinkedPagesSoon).catch(() => {});
    // The first visit is not yet controlled: the worker takes the page over once installed.
    navigator.serviceWorker.addEventListener("controllerchange", keepLinkedPagesSoon);
  }
  markOffline();
  try {
    await forgetOldSent();
    await render();
    if (navigator.onLine && (await items()).some((item) => item.state === STATES.waiting)) {
      await sendNow();
    }
  } catch {
    // No IndexedDB (a private window in some browsers): the forms post as without JavaScript.
  }
  document.documentElement.dataset.outbox = "ready";
}

start();
