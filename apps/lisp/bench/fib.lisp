; Doubly recursive Fibonacci: calls and small-integer arithmetic.
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define n (+ 14 (* 2 scale)))
(display "fib(") (display n) (display ") = ") (display (fib n)) (newline)
