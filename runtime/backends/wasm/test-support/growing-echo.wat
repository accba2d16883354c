;; Echoes its input after growing memory by one page on every call (which detaches the buffer
;; of a non-shared memory); alloc bumps a pointer and grows memory as needed. The shared twin
;; is made by the test, by marking the memory shared.
(module
  (memory (export "memory") 1 256)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "alloc") (param $size i32) (result i32)
    (local $pointer i32)
    (local.set $pointer (global.get $heap))
    (global.set $heap (i32.add (local.get $pointer) (local.get $size)))
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (drop (memory.grow (i32.add (i32.shr_u (local.get $size) (i32.const 16)) (i32.const 1))))))
    (local.get $pointer))
  (func (export "ProcessData")
    (param $in i32) (param $length i32) (param $out i32) (param $cap i32) (param $outLen i32)
    (result i32)
    (drop (memory.grow (i32.const 1)))
    (memory.copy (local.get $out) (local.get $in) (local.get $length))
    (i32.store (local.get $outLen) (local.get $length))
    (i32.const 0)))
