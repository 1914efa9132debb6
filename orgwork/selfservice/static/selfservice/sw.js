/* 组工云 党员之家: keeps the member pages that were opened, for reading offline. Network first; when the network
   fails the last copy is shown. Only same-origin GET pages under the member paths; never POSTs, never the API. */
const CACHE = "orgwork-member-v1";
const PATHS = ["/m/", "/m/dues/", "/m/card/", "/m/meetings/", "/m/appraisals/", "/me/", "/training/me/", "/scores/me/", "/polls/mine/", "/disclosure/mine/", "/worklists/mine/"];

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  if (url.pathname.startsWith("/m/login")) return false;
  return request.mode === "navigate" && PATHS.some((p) => url.pathname === p || (p !== "/m/" && url.pathname.startsWith(p)));
}

// Signing out (the POST to /logout/) or arriving at a sign-in page: nothing of this member stays on the phone.
const FORGET = ["/logout/", "/login/", "/m/login/"];

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin === self.location.origin && FORGET.includes(url.pathname)) {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (!cacheable(request)) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request).then((hit) => hit || new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><p style='padding:1em'>当前离线，此页尚未保存。请联网后再打开。</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } })))
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "forget") caches.delete(CACHE);  // on sign-out: nothing of this member stays on the phone
});
