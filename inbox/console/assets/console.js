// Live updates: the server sends a "change" event (server-sent events) when
// the inbox changed, and the page fetches its live part again.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var status = document.getElementById("live-status");
  if (!live || !window.EventSource) { return; }
  var root = document.body.getAttribute("data-root") || "./";
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var u = new URL(window.location.href);
    u.searchParams.set("fragment", "live");
    u.searchParams.delete("flash");
    fetch(u.toString(), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { live.innerHTML = html; } })
      .catch(function () {})
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  // since: the Watermark the page was rendered at, so that the stream
  // reports a change made before it opened.
  var since = document.body.getAttribute("data-watermark") || "";
  var es = new EventSource(root + "events?since=" + encodeURIComponent(since));
  es.addEventListener("open", function () { status.className = "live on"; });
  es.addEventListener("error", function () { status.className = "live off"; });
  es.addEventListener("change", refresh);
})();
