; Parallel binary trees (lisp -p): each unit builds and checks four trees of one depth, in its
; partition's own heap, so every partition's collector works on its own.
(define (make depth) (if (= depth 0) (cons nil nil) (cons (make (- depth 1)) (make (- depth 1)))))
(define (check tree) (if (null? (car tree)) 1 (+ 1 (+ (check (car tree)) (check (cdr tree))))))
(define units (* 8 scale))
(define total 0)
(define u worker)
(while (< u units)
  (let ((depth (+ 4 (mod u 5))) (j 0))
    (while (< j 4)
      (set! total (+ total (check (make depth))))
      (set! j (+ j 1))))
  (set! u (+ u workers)))
total
