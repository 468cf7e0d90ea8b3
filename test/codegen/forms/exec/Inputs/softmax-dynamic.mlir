func.func @softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = attic.softmax %x, axis = 1 : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
func.func @log_softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = attic.log_softmax %x, axis = -1 : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
func.func @logsumexp(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  %y = attic.logsumexp %x, axis = 1 : tensor<?x?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}
