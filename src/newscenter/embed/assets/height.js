if(parent!==window){const s=()=>parent.postMessage({newscenter:"height",height:document.documentElement.scrollHeight},"*");new ResizeObserver(s).observe(document.body)}
