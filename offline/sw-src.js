// Joined Forces service worker: bundled from Workbox (npm) by `make setup` into build/sw.js and
// served at /sw.js by offline.views.service_worker, which puts the list of the shell's files
// (self.__JF_PRECACHE, each with a digest of its content) in front of this bundle.
//
// What it keeps on the device:
// - the shell (our stylesheets and scripts, pico, htmx, idb), installed with the worker;
// - the pages a field advisor needs without a connection, each as last loaded (network
//   first, the device's copy when the network does not answer).
// Only GET requests are ever answered from the device; the API and every form sent go to
// the network (the outbox, static/js/outbox.js, keeps what could not be sent).

import { CacheableResponsePlugin } from "workbox-cacheable-response";
import { ExpirationPlugin } from "workbox-expiration";
import { cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching";
import { registerRoute, setCatchHandler } from "workbox-routing";
import { NetworkFirst, StaleWhileRevalidate } from "workbox-strategies";

const PAGES_CACHE = "jf-pages";
// static/js/outbox.js keeps the language of the last page opened here, for NOT_KEPT.
const LANGUAGE_CACHE = "jf-language";
const LANGUAGE_KEY = "/jf-language";
const STATIC_CACHE = "jf-static";

// Keep the list in step with OFFLINE_PAGES in static/js/outbox.js.
const OFFLINE_PAGES = [
  /^\/$/, // My work
  /^\/plans\/$/, // the plans they take part in
  /^\/plans\/\d+\/$/, // a plan, its activities with status and progress, its field reports
  /^\/plans\/\d+\/field-reports\/new\/$/,
  /^\/plans\/activities\/\d+\/progress\/$/,
  /^\/lessons\/new\/$/,
  /^\/outbox\/$/, // the outbox and the person's own recent field reports
];

self.skipWaiting();
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

cleanupOutdatedCaches();
precacheAndRoute(self.__JF_PRECACHE || []);

// A page that the server answered by sending the person elsewhere (to sign in again, most
// often) is not the page asked for: it is never kept under the page's address.
const notRedirected = {
  cacheWillUpdate: async ({ response }) =>
    response && response.ok && !response.redirected && response.type === "basic" ? response : null,
};

const isOwnGet = (request, url) =>
  request.method === "GET" && url.origin === self.location.origin;

registerRoute(
  ({ request, url }) =>
    isOwnGet(request, url) &&
    // htmx asks for parts of these pages at the same addresses: never kept as the page.
    !request.headers.has("HX-Request") &&
    OFFLINE_PAGES.some((page) => page.test(url.pathname)),
  new NetworkFirst({
    cacheName: PAGES_CACHE,
    // A connection that hangs rather than fails: the device's copy after this long. Long,
    // so that a slow server never has an online person shown a page older than it sent.
    networkTimeoutSeconds: 20,
    plugins: [
      notRedirected,
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 14 * 24 * 3600 }),
    ],
  }),
);

// Static files besides the shell (another app's images, say): the device's copy at once, and
// a fresh one fetched for next time.
registerRoute(
  ({ request, url }) => isOwnGet(request, url) && url.pathname.startsWith("/static/"),
  new StaleWhileRevalidate({
    cacheName: STATIC_CACHE,
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 200 }),
    ],
  }),
);

const NOT_KEPT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not on this device · Joined Forces</title></head>
<body><main>
<h1>You are offline</h1>
<p>This page was not kept on this device. Pages you open while connected are kept for when the
connection is gone.</p>
<p><a href="/outbox/">Your outbox</a> · <a href="/plans/">Plans</a></p>
</main></body></html>`;

// The page in the person's language: offline/views.py puts each language's in front of this
// bundle (self.__JF_NOT_KEPT); NOT_KEPT above when it is missing.
async function notKept() {
  try {
    const kept = await (await caches.open(LANGUAGE_CACHE)).match(LANGUAGE_KEY);
    const language = kept ? await kept.text() : "";
    return (self.__JF_NOT_KEPT || {})[language] || NOT_KEPT;
  } catch {
    return NOT_KEPT;
  }
}

setCatchHandler(async ({ request }) => {
  if (request.destination === "document" || request.mode === "navigate") {
    return new Response(await notKept(), {
      status: 503,
      headers: { "Content-Type": "text/html; charset=utf-8" },
    });
  }
  return Response.error();
});
