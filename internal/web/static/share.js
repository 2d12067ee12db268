// Copy buttons of the share panel: each button names (data-copy) the textarea it copies.
// Without JavaScript the buttons stay hidden and the snippets can be selected by hand.
document.querySelectorAll("button[data-copy]").forEach(function (b) {
  var area = document.getElementById(b.getAttribute("data-copy"));
  if (!area || !navigator.clipboard) { return; }
  b.hidden = false;
  var label = b.textContent;
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(area.value).then(function () {
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = label; }, 2000);
    }, function () { area.select(); });
  });
});
