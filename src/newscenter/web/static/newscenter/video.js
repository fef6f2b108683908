// Click-to-load videos (news.blocks): the poster's button shows only with this script, and
// the player (youtube-nocookie.com, Vimeo with dnt=1) is framed only when it is pressed, so
// no request reaches YouTube or Vimeo before the reader asks. Without the script the
// poster's link opens the video on its own site.
for (const figure of document.querySelectorAll("figure.video-embed[data-embed]")) {
  const button = figure.querySelector(".video-play");
  if (!button) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = figure.dataset.embed;
    frame.title = figure.dataset.title;
    frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "video-frame";
    figure.querySelector(".video-poster").replaceWith(frame);
    frame.focus();
  });
}
