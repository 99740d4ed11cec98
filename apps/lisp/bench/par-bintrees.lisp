; Parallel binary trees (lisp -p): each unit (from the shared queue, deepest first) builds and
; checks four trees of one depth in its partition's own heap: every collector works on its own.
(define (make depth) (if (= depth 0) (cons nil nil) (cons (make (- depth 1)) (make (- depth 1)))))
(define (check tree) (if (null? (car tree)) 1 (+ 1 (+ (check (car tree)) (check (cdr tree))))))
(define units (* 15 scale))
(define total 0)
(define u (next-unit))
(while (< u units)
  (let ((depth (- 8 (mod u 5))) (j 0))
    (while (< j 4)
      (set! total (+ total (check (make depth))))
      (set! j (+ j 1))))
  (set! u (next-unit)))
total
