// "Copy link" in an article's share row: copies the address instead of following it.
// Without this script (or without clipboard access) the link simply opens the article.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-share='copy']");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const status = document.getElementById("share-status");
  try {
    await navigator.clipboard.writeText(link.href);
    if (status) status.textContent = "Link copied.";
  } catch {
    if (status) status.textContent = "Could not copy: the link is " + link.href;
  }
});
