;; Loops the rewrite wraps (their counter a local, the refill outside them) beside every kind of
;; branch that crosses them: br, br_if and br_table to labels outside one or several wrapped
;; loops, a loop with a result, a loop that takes a parameter (not wrapped: it keeps the
;; global tick), and try/catch, rethrow and delegate across loops. Each export gives a number
;; that depends on every iteration, so a branch to the wrong label changes it.
(module
  (type $loop_param (func (param i32) (result i32)))
  (tag $e (param i32))
  (func (export "nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $sum i32)
    (block $out
      (loop $outer
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $sum (i32.add (local.get $sum) (i32.mul (local.get $i) (local.get $j))))
          ;; leaves both loops once the sum is large: crosses two wrapped loops
          (br_if $out (i32.gt_u (local.get $sum) (i32.const 1000000)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.add (local.get $sum) (i32.mul (local.get $i) (i32.const 1000))))
  (func (export "table") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $three
      (block $two
        (block $one
          (loop $again
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (local.get $i)))
            (br_if $again (i32.lt_u (local.get $i) (local.get $n)))
            (br_table $one $two $three $again (i32.rem_u (local.get $acc) (i32.const 4)))))
        (return (i32.add (local.get $acc) (i32.const 100))))
      (return (i32.add (local.get $acc) (i32.const 200))))
    (i32.add (local.get $acc) (i32.const 300)))
  (func (export "result") (param $n i32) (result i32)
    (local $i i32)
    (i32.add
      (i32.const 7)
      (loop $count (result i32)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $count (i32.lt_u (local.get $i) (local.get $n)))
        (i32.mul (local.get $i) (i32.const 2)))))
  (func (export "param") (param $n i32) (result i32)
    (local $i i32)
    (i32.const 0)
    (loop $sum (type $loop_param)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (i32.add (local.get $i))
      (br_if $sum (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "exceptions") (param $n i32) (result i32)
    (local $i i32) (local $caught i32)
    (loop $again
      (try
        (do
          (try
            (do
              (loop $spin
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $spin (i32.rem_u (local.get $i) (i32.const 5)))
                (throw $e (local.get $i))))
            (delegate 0)))
        (catch $e
          (local.set $caught (i32.add (local.get $caught)))))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (try (result i32)
      (do
        (try
          (do (throw $e (local.get $caught)))
          (catch $e
            (drop)
            (loop $rethrow
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_if $rethrow (i32.gt_u (local.get $i) (i32.const 3)))
              (rethrow 1))))
        (i32.const -1))
      (catch $e (i32.add (local.get $i)))))
  ;; delegate from inside a wrapped loop to the try around it (1), and to the loop's own label,
  ;; which passes the exception on to that same try (0)
  (func (export "delegates") (param $n i32) (result i32)
    (local $i i32) (local $r i32)
    (try
      (do
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (try
            (do (if (i32.ge_u (local.get $i) (local.get $n)) (then (throw $e (local.get $i)))))
            (delegate 1))
          (try
            (do (if (i32.eq (local.get $i) (i32.const 7)) (then (throw $e (i32.const 70000)))))
            (delegate 0))
          (br $l)))
      (catch $e (local.set $r)))
    (local.get $r))
  (func (export "endless") (loop $forever (br $forever))))
