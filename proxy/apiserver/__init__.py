"""What a kube-apiserver does, with no sockets and no clock reads (design.md, layer 3½): the store and its
history by resourceVersion, the answers to lists, gets and writes, and the encoder. The engines drive it."""
