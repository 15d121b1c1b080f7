/* The header's count of unread notices: the page's HTML is the same for every
   visitor (it may be a static file); this asks the JSON endpoint, which is never
   cached, and shows the link only when there is something unread. */
(function () {
  "use strict";
  var links = document.querySelectorAll("a.notification-count[data-count-url]");
  if (!links.length || !window.fetch) {
    return;
  }
  fetch(links[0].getAttribute("data-count-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (answer) {
      return answer.ok ? answer.json() : { count: 0 };
    })
    .then(function (data) {
      var count = parseInt(data.count, 10) || 0;
      links.forEach(function (link) {
        var number = link.querySelector("[data-count]");
        if (number) {
          number.textContent = count > 99 ? "99+" : String(count);
        }
        link.hidden = count === 0;
      });
    })
    .catch(function () {});
})();
