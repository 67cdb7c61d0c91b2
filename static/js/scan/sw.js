/* Service worker of the checkpoint scan page: the page and its assets stay available with
 * no network. The API is never cached: the page itself falls back to its offline check. */
"use strict";

const CACHE = "shoumen-scan-v1";
const SCAN_PAGE = /\/checkpoints\/\d+\/scan\/$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page tells us what it loaded (asset URLs carry content hashes in production).
self.addEventListener("message", (event) => {
  const urls = event.data && event.data.cache;
  if (Array.isArray(urls)) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(urls)));
  }
});

async function pageNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // A redirect to the login page is not the scan page.
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    if (SCAN_PAGE.test(url.pathname)) event.respondWith(pageNetworkFirst(request));
    return;
  }
  event.respondWith(cacheFirst(request));
});
