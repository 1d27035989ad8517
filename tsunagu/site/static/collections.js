// Collections: drag-and-drop reordering and the print button (no inline script; CSP).
// Without this script the Move up / Move down buttons (plain POST forms) still reorder.
(function () {
  "use strict";

  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var list = document.getElementById("entries");
  if (!list || !list.dataset.reorderUrl) { return; }
  var dragged = null;

  function entries() {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-entry-id]"));
  }

  function refreshButtons() {
    var items = entries();
    items.forEach(function (item, index) {
      var up = item.querySelector("button.move-up");
      var down = item.querySelector("button.move-down");
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === items.length - 1; }
    });
  }

  function save() {
    var order = entries().map(function (item) { return Number(item.dataset.entryId); });
    list.setAttribute("aria-busy", "true");
    return fetch(list.dataset.reorderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": list.dataset.csrf },
      body: JSON.stringify({ order: order })
    }).then(function (response) {
      list.removeAttribute("aria-busy");
      if (!response.ok) { window.location.reload(); return; }
      list.dataset.saved = order.join(",");
      refreshButtons();
    }, function () { window.location.reload(); });
  }

  function currentOrder() {
    return entries().map(function (item) { return item.dataset.entryId; }).join(",");
  }
  var before = currentOrder();

  entries().forEach(function (item) {
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      before = currentOrder();
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.entryId);
    });
    item.addEventListener("dragend", function () {
      item.classList.remove("dragging");
      dragged = null;
      if (currentOrder() !== before) { before = currentOrder(); save(); }
    });
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();  // the whole list is a drop zone
    var target = event.target.closest ? event.target.closest("li[data-entry-id]") : null;
    if (!target || target === dragged || target.parentNode !== list) { return; }
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? target.nextSibling : target);
  });
  list.addEventListener("drop", function (event) {
    if (dragged) { event.preventDefault(); }
  });
})();
