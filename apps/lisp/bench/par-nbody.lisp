; Parallel n-body (lisp -p): each unit (from the shared queue, longest first) runs the five-body
; simulation from the start for its own number of steps (floats) and adds its final energy in
; units of 1e-9.
(load "/bench/nbody-system.lisp")
(define units (* 12 scale))
(define total 0)
(define u (next-unit))
(while (< u units)
  (reset)
  (let ((step 0))
    (while (< step (- 9 (mod u 6))) (advance 0.01) (set! step (+ step 1))))
  (set! total (+ total (truncate (* (energy) 1000000000.0))))
  (set! u (next-unit)))
total
