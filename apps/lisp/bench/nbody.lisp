; The n-body simulation (five bodies, floats): energy before and after the steps.
(load "/bench/nbody-system.lisp")
(reset)
(display "energy before ") (display (energy)) (newline)
(define step 0)
(while (< step (* 40 scale)) (advance 0.01) (set! step (+ step 1)))
(display "energy after ") (display (energy)) (newline)
