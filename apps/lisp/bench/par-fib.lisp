; Parallel Fibonacci (lisp -p): units of fib(17) down to fib(12), largest first, taken from the
; queue all partitions share; the result is the sum over every unit, whoever computed it.
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define units (* 24 scale))
(define total 0)
(define u (next-unit))
(while (< u units)
  (set! total (+ total (fib (- 17 (mod u 6)))))
  (set! u (next-unit)))
total
