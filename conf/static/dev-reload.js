// dev-reload.js — with "dev: true" (make run): the page reloads when the site it shows
// changes (a post, a layout or this theme's stylesheet saved). quire answers
// /_dev/events?since=SNAPSHOT once a newer snapshot is published; the browser asks again
// by itself after each answer. Production pages never load this file.
(function () {
	var me = document.currentScript;
	var since = me.getAttribute("data-since");
	var events = new EventSource(me.getAttribute("data-events") + "?since=" + since);
	events.onmessage = function (e) {
		if (e.data === "reload") {
			events.close();
			location.reload();
		}
	};
})();
