// Offline reading: the book's service worker, registered by theme/lockbook.js
// (over http(s) only). It sits at the book's root, so its scope is every
// page. mdBook copies it as a static file; every build by `cargo xtask`
// (build-book, browser-test) then replaces the OFFLINE line below with the
// list of every file of the build and a version, a hash of their contents
// (xtask/src/book.rs, write_offline_manifest). A new build changes this
// file, so the browser installs the new worker, which fills a new cache
// and deletes the old one.
//
// - install: fetch every listed file (all or nothing) into the cache
//   named after the scope and the version;
// - activate: delete this book's caches of other versions;
// - fetch: a same-origin GET for a listed file is answered from the cache
//   (the network if it is missing); anything else, the network, untouched.
//   Nothing is cached at run time, and nothing from another origin.
//
// Without a manifest (`mdbook serve` builds without xtask) the worker
// deletes this book's caches and unregisters itself, so an author never
// reads a stale page.
"use strict";

var OFFLINE = null; // offline-manifest: replaced by cargo xtask's build

var PREFIX = "lockbook-offline " + self.registration.scope + " ";
var CACHE = OFFLINE ? PREFIX + OFFLINE.version : null;
var FILES = new Set();
if (OFFLINE) {
  OFFLINE.files.forEach(function (file) {
    var url = new URL(file, self.registration.scope);
    if (url.origin === self.location.origin) {
      FILES.add(url.href);
    }
  });
}

// The key of a request in the cache: the file's URL without query or
// fragment (a search result links to page.html?highlight=...), a folder's
// index.html for a URL ending in "/".
function fileUrl(request) {
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return null;
  }
  var path = url.pathname.endsWith("/") ? url.pathname + "index.html" : url.pathname;
  var href = url.origin + path;
  return FILES.has(href) ? href : null;
}

function oldCaches() {
  return caches.keys().then(function (names) {
    return names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    });
  });
}

self.addEventListener("install", function (event) {
  if (!OFFLINE) {
    self.skipWaiting();
    return;
  }
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        // no-cache: the files as the server has them now, not an older
        // copy from the HTTP cache under this version's name.
        return cache.addAll(
          Array.from(FILES, function (href) {
            return new Request(href, { cache: "no-cache" });
          })
        );
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    oldCaches().then(function (names) {
      return Promise.all(
        names.map(function (name) {
          return caches.delete(name);
        })
      ).then(function () {
        if (!OFFLINE) {
          return self.registration.unregister();
        }
      });
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!OFFLINE || request.method !== "GET") {
    return;
  }
  var href = fileUrl(request);
  if (!href) {
    return;
  }
  event.respondWith(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.match(href);
      })
      .then(function (cached) {
        return cached || fetch(request);
      })
  );
});
