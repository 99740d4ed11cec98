; Parallel Fibonacci (lisp -p): units of fib(12..17) dealt round-robin to the workers; the
; result is the sum over every unit, whatever the number of workers.
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define units (* 12 scale))
(define total 0)
(define u worker)
(while (< u units)
  (set! total (+ total (fib (+ 12 (mod u 6)))))
  (set! u (+ u workers)))
total
